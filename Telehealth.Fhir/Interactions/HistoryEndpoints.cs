using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Search;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>History of an instance, a type or the whole system, newest first, with <c>_since</c> and <c>_count</c>.</summary>
public static class HistoryEndpoints
{
    public static void MapHistory(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/_history", (HttpRequest request, HistoryReader history, TimeProvider clock, CancellationToken ct) =>
            HistoryAsync(null, null, request, history, clock, ct));

        fhir.MapGet("/{type}/_history", (string type, HttpRequest request, HistoryReader history, SearchParameterRegistry registry,
            TimeProvider clock, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            return HistoryAsync(type, null, request, history, clock, ct);
        });

        fhir.MapGet("/{type}/{id}/_history", (string type, string id, HttpRequest request, HistoryReader history,
            SearchParameterRegistry registry, TimeProvider clock, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            return HistoryAsync(type, id, request, history, clock, ct);
        });
    }

    private static async Task<IResult> HistoryAsync(string? type, string? id, HttpRequest request, HistoryReader history,
        TimeProvider clock, CancellationToken ct)
    {
        var count = SearchParser.DefaultCount;
        if (request.Query.TryGetValue("_count", out var c) && (!int.TryParse(c, out count) || count < 1))
            throw FhirException.BadRequest($"_count must be a whole number of at least 1; got '{c}'.");
        count = Math.Min(count, SearchParser.MaxCount);
        DateTimeOffset? since = null;
        if (request.Query.TryGetValue("_since", out var s))
        {
            if (!FhirDateRange.TryParse(s, out var range))
                throw FhirException.BadRequest($"_since must be an instant such as 2026-01-31T08:00:00+07:00; got '{s}'.");
            since = new DateTimeOffset(range.Low, TimeSpan.Zero);
        }
        long? before = null;
        if (request.Query.TryGetValue("_before_seq", out var b))
            before = long.TryParse(b, out var seq) ? seq : throw FhirException.BadRequest("The page link is not valid; start again.");

        var (entries, hasMore) = await history.ReadAsync(type, id, since, before, count, ct);
        var baseUrl = FhirResults.BaseUrl(request);
        var path = baseUrl + (type is null ? "" : "/" + type) + (id is null ? "" : "/" + id) + "/_history";
        var query = $"?_count={count}" + (s.Count > 0 ? $"&_since={Uri.EscapeDataString(s.ToString())}" : "");
        var links = new List<(string, string)> { ("self", path + query + (before is null ? "" : $"&_before_seq={before}")) };
        if (hasMore) links.Add(("next", $"{path}{query}&_before_seq={entries[^1].Sequence}"));
        using var writer = new BundleJsonWriter("history", clock.GetUtcNow(), null, links);
        foreach (var entry in entries) writer.HistoryEntry(baseUrl, entry);
        return FhirResults.Json(writer.Finish());
    }
}
