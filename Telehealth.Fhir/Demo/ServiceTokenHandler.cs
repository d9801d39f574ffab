using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Telehealth.Fhir.Demo;

/// <summary>The demo loader's own client registration at the identity service (<c>Demo:Client</c>).</summary>
public sealed class DemoClientOptions
{
    public string ClientId { get; set; } = "demo-system";
    public string? ClientSecret { get; set; }
    public string Scope { get; set; } = "system/*.cruds";
}

/// <summary>
/// Adds a service token (client credentials at the identity service's token endpoint, taken from the discovery
/// document the token checks already fetch) to each request, fetching a new one shortly before the last expires.
/// </summary>
internal sealed class ServiceTokenHandler(IOptions<DemoClientOptions> client, IOptionsMonitor<JwtBearerOptions> jwt,
    IHttpClientFactory httpClients, TimeProvider clock) : DelegatingHandler
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset expires;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (token is not null && clock.GetUtcNow() < expires) return token;
            var bearer = jwt.Get(JwtBearerDefaults.AuthenticationScheme);
            var manager = bearer.ConfigurationManager
                          ?? throw new InvalidOperationException("Fhir:Auth:Authority is not set, so the demo loader cannot get a token.");
            string endpoint;
            try { endpoint = (bearer.Configuration ?? await manager.GetConfigurationAsync(ct)).TokenEndpoint; }
            catch (InvalidOperationException failure) { throw new HttpRequestException($"The identity service's discovery document could not be read: {failure.Message}", failure); }
            using var response = await httpClients.CreateClient().PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = client.Value.ClientId,
                ["client_secret"] = client.Value.ClientSecret ?? "",
                ["scope"] = client.Value.Scope,
            }), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"The identity service refused the demo loader's client credentials ({(int)response.StatusCode}): {body}");
            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("access_token").GetString()!;
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) ? e.GetInt32() : 300;
            expires = clock.GetUtcNow().AddSeconds(lifetime * 0.8);
            return token;
        }
        finally
        {
            gate.Release();
        }
    }
}
