using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>Small helpers for talking FHIR JSON over HTTP in tests.</summary>
public static class FhirHttp
{
    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static StringContent Content(Resource resource) => Content(JsonSerializer.Serialize(resource, resource.GetType(), Json));

    public static StringContent Content(string json, string mediaType = "application/fhir+json") =>
        new(json, Encoding.UTF8, mediaType);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) where T : Resource
    {
        var body = await response.Content.ReadAsStringAsync();
        var resource = JsonSerializer.Deserialize<Resource>(body, Json)
                       ?? throw new InvalidOperationException($"Empty body with status {(int)response.StatusCode}");
        return resource as T ?? throw new InvalidOperationException($"Expected {typeof(T).Name}, got {resource.TypeName}: {body}");
    }

    public static async Task<T> CreateAsync<T>(this HttpClient client, T resource) where T : Resource
    {
        var response = await client.PostAsync(resource.TypeName, Content(resource));
        await ExpectAsync(response, HttpStatusCode.Created);
        return await ReadAsync<T>(response);
    }

    public static async Task<T> PutAsync<T>(this HttpClient client, T resource) where T : Resource
    {
        var response = await client.PutAsync($"{resource.TypeName}/{resource.Id}", Content(resource));
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
            throw new InvalidOperationException($"PUT failed {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await ReadAsync<T>(response);
    }

    public static async Task<Bundle> SearchAsync(this HttpClient client, string query)
    {
        var response = await client.GetAsync(query);
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<Bundle>(response);
    }

    /// <summary>Ids of the matches of a search, in order (includes left out).</summary>
    public static async Task<List<string>> IdsAsync(this HttpClient client, string query)
    {
        var bundle = await client.SearchAsync(query);
        return bundle.Entry.Where(e => e.Search?.Mode != Bundle.SearchEntryMode.Include).Select(e => e.Resource.Id).ToList();
    }

    /// <summary>The url of the bundle's link of this relation (next, previous, self), if it has one.</summary>
    public static string? Link(Bundle bundle, string relation) => bundle.Link.FirstOrDefault(l => l.Relation == relation)?.Url;

    /// <summary>Ids of the bundle's matches (not its includes), in order.</summary>
    public static List<string> MatchIds(Bundle bundle) =>
        bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource.Id).ToList();

    /// <summary>
    /// Follows next links from <paramref name="first"/> (<paramref name="betweenPages"/> runs before each next page
    /// is read); every page, <paramref name="first"/> first.
    /// </summary>
    public static async Task<List<Bundle>> WalkForwardAsync(this HttpClient client, Bundle first, Func<Task>? betweenPages = null)
    {
        var pages = new List<Bundle> { first };
        while (Link(pages[^1], "next") is { } next)
        {
            Assert.True(pages.Count < 100, "The next links never end.");
            if (betweenPages is not null) await betweenPages();
            pages.Add(await client.SearchAsync(next));
        }
        return pages;
    }

    /// <summary>Follows previous links from <paramref name="last"/>: every page, first page first (<paramref name="last"/> last).</summary>
    public static async Task<List<Bundle>> WalkBackAsync(this HttpClient client, Bundle last)
    {
        var pages = new List<Bundle> { last };
        while (Link(pages[^1], "previous") is { } previous)
        {
            Assert.True(pages.Count < 100, "The previous links never end.");
            pages.Add(await client.SearchAsync(previous));
        }
        pages.Reverse();
        return pages;
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            throw new Xunit.Sdk.XunitException(
                $"Expected {(int)status} but got {(int)response.StatusCode} for {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Reads an OperationOutcome and returns all its diagnostics joined, for asserting on the message.</summary>
    public static async Task<string> OutcomeTextAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var node = JsonNode.Parse(body)!;
        Assert.Equal("OperationOutcome", node["resourceType"]?.GetValue<string>());
        return string.Join(" | ", node["issue"]!.AsArray().Select(i => i?["diagnostics"]?.GetValue<string>()));
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content = null, params (string, string)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (name, value) in headers)
            if (!request.Headers.TryAddWithoutValidation(name, value))
                request.Content!.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static MediaTypeHeaderValue JsonPatchType => new("application/json-patch+json");
}

/// <summary>What a test reads to show a request changed nothing in the store.</summary>
public static class StoreState
{
    /// <summary>
    /// The newest entry of the system history ("Type/id/_history/v", or "" when the store is empty): any write,
    /// of any resource, changes it. AuditEvents are passed over: the server adds them for reads, too.
    /// </summary>
    public static async Task<string> LatestChangeAsync(this HttpClient client)
    {
        var history = await client.SearchAsync("_history?_count=200");
        var entry = history.Entry.FirstOrDefault(e => !e.FullUrl.Contains("/AuditEvent/", StringComparison.Ordinal));
        if (entry is null) return "";
        var version = entry.Resource?.Meta?.VersionId ?? entry.Response?.Etag ?? "?";
        return $"{entry.FullUrl}/_history/{version} {entry.Request?.Method}";
    }

    /// <summary>How many resources of the type match the query, counted by the server.</summary>
    public static async Task<int> CountAsync(this HttpClient client, string type, string query = "")
    {
        var bundle = await client.SearchAsync($"{type}?_summary=count{(query.Length > 0 ? "&" + query : "")}");
        return bundle.Total ?? throw new InvalidOperationException($"{type}?{query}: the count bundle has no total.");
    }

    /// <summary>The current JSON of a resource as the server returns it, or the status when it cannot be read.</summary>
    public static async Task<string> RawAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"{(int)response.StatusCode}";
    }
}
