using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Telehealth.Fhir.Demo;

/// <summary>
/// Loads <see cref="DemoNetwork"/> once the service has started, through the service's own FHIR
/// API, so the data goes through the same validation and indexing as any client's. Skips the load
/// when the marker organization is already there, so restarts do not duplicate the network.
/// </summary>
internal sealed class DemoDataLoader(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHttpClientFactory httpClientFactory,
    IOptions<DemoDataOptions> options,
    TimeProvider timeProvider,
    ILogger<DemoDataLoader> logger) : BackgroundService
{
    private const string FhirJson = "application/fhir+json";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly string Marker = $"{DemoNetwork.MarkerSystem}|{DemoNetwork.MarkerValue}";
    private static readonly JsonSerializerOptions FhirOptions = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ApplicationStartedAsync(stoppingToken);

        var root = options.Value.ServerAddress
            ?? OwnServerAddress.Choose(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        if (root is null)
        {
            DemoLog.NoServerAddress(logger);
            return;
        }
        var fhirBase = root.AbsoluteUri.TrimEnd('/') + "/fhir";
        var client = httpClientFactory.CreateClient(DemoDataExtensions.HttpClientName);

        try
        {
            await LoadUnlessPresentAsync(client, fhirBase, stoppingToken);
        }
        catch (HttpRequestException exception)
        {
            DemoLog.Unreachable(logger, exception, fhirBase);
        }
        catch (TaskCanceledException exception) when (!stoppingToken.IsCancellationRequested)
        {
            DemoLog.TimedOut(logger, exception, fhirBase, client.Timeout);
        }
    }

    private async System.Threading.Tasks.Task LoadUnlessPresentAsync(HttpClient client, string fhirBase, CancellationToken cancellationToken)
    {
        DemoLog.Checking(logger, Marker, fhirBase);
        var search = await GetWhileWarmingUpAsync(
            client, $"{fhirBase}/Organization?identifier={Uri.EscapeDataString(Marker)}", cancellationToken);
        if (!search.IsSuccess || search.Resource is not Bundle searchset)
        {
            Failed("search for the demo marker", search);
            return;
        }
        var matches = searchset.Entry.Count(e => e.Resource is Organization);
        if (matches > 0)
        {
            DemoLog.AlreadyLoaded(logger, Marker, matches);
            return;
        }

        var transaction = DemoNetwork.Build();
        using var content = new StringContent(JsonSerializer.Serialize(transaction, FhirOptions), Encoding.UTF8, FhirJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, fhirBase) { Content = content };
        var reply = await SendAsync(client, request, cancellationToken);
        if (!reply.IsSuccess || reply.Resource is not Bundle response)
        {
            Failed("transaction", reply);
            return;
        }

        // A transaction-response lists its entries in the order of the request's.
        var created = response.Entry
            .Zip(transaction.Entry, (answer, asked) => (answer.Response?.Status, Type: asked.Resource?.TypeName))
            .Where(e => e.Status?.StartsWith("201", StringComparison.Ordinal) == true)
            .Select(e => e.Type ?? "?")
            .ToList();
        var byType = string.Join(", ", created.GroupBy(t => t).Select(g => $"{g.Key} {g.Count()}"));
        DemoLog.Loaded(logger, Marker, created.Count, transaction.Entry.Count, byType);
    }

    /// <summary>
    /// The first request polls until the record service answers, since it may still be migrating its
    /// database or warming caches when the host reports it has started.
    /// </summary>
    private async Task<FhirReply> GetWhileWarmingUpAsync(HttpClient client, string url, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + options.Value.WarmUpTimeout;
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                var reply = await SendAsync(client, request, cancellationToken);
                if (!IsTransient(reply.Status) || timeProvider.GetUtcNow() >= deadline)
                    return reply;
                reason = $"HTTP {(int)reply.Status}";
            }
            catch (HttpRequestException exception) when (timeProvider.GetUtcNow() < deadline)
            {
                reason = exception.Message;
            }
            if (attempt == 1 || attempt % 10 == 0)
                DemoLog.WaitingForServer(logger, url, attempt, reason, deadline);
            await System.Threading.Tasks.Task.Delay(PollInterval, timeProvider, cancellationToken);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static async Task<FhirReply> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson));
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new FhirReply(response.StatusCode, response.IsSuccessStatusCode, ParseResource(body), body);
    }

    private static Resource? ParseResource(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            return JsonSerializer.Deserialize<Resource>(body, FhirOptions);
        }
        catch (DeserializationFailedException exception)
        {
            // A reply with a few elements this SDK does not know is still worth reading.
            return exception.PartialResult as Resource;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Failed(string step, FhirReply reply)
    {
        if (reply.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            DemoLog.Refused(logger, step, (int)reply.Status, DemoDataExtensions.HttpClientName);
        else
            DemoLog.RequestFailed(logger, step, (int)reply.Status, Describe(reply));
    }

    private static string Describe(FhirReply reply)
    {
        if (reply.Resource is OperationOutcome outcome && outcome.Issue.Count > 0)
            return string.Join("; ", outcome.Issue.Select(i =>
                $"{i.Severity} {i.Code}: {i.Details?.Text ?? i.Diagnostics ?? "(no text)"}"));
        var body = reply.Body.Trim();
        return body.Length == 0 ? "(empty response)" : body.Length <= 1000 ? body : body[..1000] + "…";
    }

    private async System.Threading.Tasks.Task ApplicationStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task;
    }

    private sealed record FhirReply(HttpStatusCode Status, bool IsSuccess, Resource? Resource, string Body);
}
