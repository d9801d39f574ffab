using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Primitives;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Interactions;

public static class SearchEndpoints
{
    public static void MapSearch(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/{type}", (string type, HttpRequest request, SearchParser parser, SearchService search,
                SearchParameterRegistry registry, TimeProvider clock, CancellationToken ct) =>
            SearchAsync(type, request.Query, request, parser, search, registry, clock, ct));

        fhir.MapPost("/{type}/_search", async (string type, HttpRequest request, SearchParser parser, SearchService search,
            SearchParameterRegistry registry, TimeProvider clock, CancellationToken ct) =>
        {
            if (!request.HasFormContentType)
                throw FhirException.BadRequest("POST _search takes its parameters as application/x-www-form-urlencoded.");
            var form = await request.ReadFormAsync(ct);
            var all = request.Query.Concat(form).ToList();
            return await SearchAsync(type, all, request, parser, search, registry, clock, ct);
        });
    }

    private static async Task<IResult> SearchAsync(string type, IEnumerable<KeyValuePair<string, StringValues>> query, HttpRequest request,
        SearchParser parser, SearchService search, SearchParameterRegistry registry, TimeProvider clock, CancellationToken ct)
    {
        ReadEndpoints.KnownType(registry, type);
        var parsed = parser.Parse(type, query, Strict(request));
        var outcome = await search.SearchAsync(parsed, ct);
        return FhirResults.Json(WriteBundle(FhirResults.BaseUrl(request), parsed, outcome, clock.GetUtcNow()));
    }

    public static bool Strict(HttpRequest request) =>
        request.Headers["Prefer"].ToString().Contains("handling=strict", StringComparison.OrdinalIgnoreCase);

    internal static string WriteBundle(string baseUrl, SearchRequest parsed, SearchOutcome outcome, DateTimeOffset now)
    {
        var self = $"{baseUrl}/{parsed.ResourceType}{Query(parsed.AcceptedParameters)}";
        var links = new List<(string, string)> { ("self", self) };
        if (outcome.Next is { } next) links.Add(("next", PageLink(baseUrl, parsed, next)));
        if (outcome.Previous is { } previous) links.Add(("previous", PageLink(baseUrl, parsed, previous)));
        using var writer = new BundleJsonWriter("searchset", now, outcome.Total, links, Filter(parsed));
        foreach (var match in outcome.Matches) writer.SearchEntry(baseUrl, match, "match");
        foreach (var included in outcome.Included) writer.SearchEntry(baseUrl, included, "include");
        return writer.Finish();
    }

    private static Func<SerializationFilter>? Filter(SearchRequest parsed)
    {
        if (parsed.Elements is { Count: > 0 } elements) return () => SerializationFilter.ForElements([.. elements]);
        return parsed.Summary switch
        {
            SummaryMode.True => SerializationFilter.ForSummary,
            SummaryMode.Text => SerializationFilter.ForText,
            SummaryMode.Data => SerializationFilter.ForData,
            _ => null,
        };
    }

    private static string PageLink(string baseUrl, SearchRequest parsed, PageCursor cursor) =>
        $"{baseUrl}/{parsed.ResourceType}{Query(parsed.AcceptedParameters.Append(new("_cursor", cursor.Encode())))}";

    private static string Query(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var parts = parameters.Select(p => $"{Uri.EscapeDataString(p.Key).Replace("%3A", ":")}={Uri.EscapeDataString(p.Value)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
