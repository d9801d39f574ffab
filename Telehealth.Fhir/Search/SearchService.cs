using Telehealth.Fhir.Access;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Search;

/// <summary>What a search found: the page of matches, what includes added, and where the next and previous pages start.</summary>
public sealed record SearchOutcome(
    IReadOnlyList<StoredResource> Matches,
    IReadOnlyList<StoredResource> Included,
    long? Total,
    PageCursor? Next,
    PageCursor? Previous);

/// <summary>Runs a search: one page of matches, the total when asked, then _include and _revinclude.</summary>
public sealed class SearchService(RecordDatabase database, SearchSql sql, AuditTrail audit, SearchParameterRegistry registry)
{
    private const int MaxIterations = 4;

    public async Task<SearchOutcome> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        await using var session = await database.ReadAsync(ct);
        return await SearchAsync(session, request, ct);
    }

    /// <summary>
    /// The search through a session the caller holds: a transaction bundle's GET entries run last, in the
    /// transaction, and see what its other entries wrote.
    /// </summary>
    public async Task<SearchOutcome> SearchAsync(RecordSession session, SearchRequest request, CancellationToken ct)
    {
        session.Guard?.Require(request.ResourceType, 's');
        if (request.Summary == SummaryMode.Count || request.Count == 0)
        {
            var snapshot = request.Cursor?.Snapshot ?? long.MaxValue;
            return new SearchOutcome([], [], await sql.CountAsync(session, request, snapshot, ct), null, null);
        }
        var page = await sql.PageAsync(session, request, ct);
        var matches = page.Rows.Select(r => r.Resource).ToList();

        long? total = null;
        var firstPage = request.Cursor is null;
        if (request.Total == TotalMode.Accurate)
            total = await sql.CountAsync(session, request, page.Snapshot, ct);
        else if (request.Total == TotalMode.Default && firstPage && !page.HasMore)
            total = matches.Count; // Known for free: everything fit on the first page.

        var backward = request.Backward;
        PageCursor? next = null, previous = null;
        if (page.Rows.Count > 0)
        {
            if (page.HasMore || backward)
                next = new PageCursor(page.Rows[^1].SortValues, page.Rows[^1].Key, page.Snapshot, false, page.Versions);
            if (!firstPage && (!backward || page.HasMore))
                previous = new PageCursor(page.Rows[0].SortValues, page.Rows[0].Key, page.Snapshot, true, page.Versions);
        }
        var included = await IncludesAsync(session, request, matches, ct);
        if (session.Guard is { } guard)
        {
            var query = request.ResourceType + "?" + string.Join('&', request.AcceptedParameters.Select(p => $"{p.Key}={p.Value}"));
            await audit.RecordReadAsync(guard.Caller, "search-type", matches.Concat(included), query, ct);
        }
        return new SearchOutcome(matches, included, total, next, previous);
    }

    private async Task<List<StoredResource>> IncludesAsync(RecordSession session, SearchRequest request,
        IReadOnlyList<StoredResource> matches, CancellationToken ct)
    {
        if (request.Includes.Count == 0 && request.RevIncludes.Count == 0) return [];
        var seen = matches.Select(m => m.Key).ToHashSet();
        var result = new List<StoredResource>();
        IReadOnlyList<StoredResource> frontier = matches;
        for (var round = 0; round < MaxIterations && frontier.Count > 0; round++)
        {
            var keys = new List<long>();
            foreach (var include in request.Includes.Where(i => round == 0 || i.Iterate))
            {
                var sources = frontier.Where(r => r.Type == include.SourceType).Select(r => r.Key).ToList();
                keys.AddRange(await IncludeSql.IncludeAsync(session, include, sources, ct));
            }
            foreach (var include in request.RevIncludes.Where(i => round == 0 || i.Iterate))
            {
                var targets = frontier.Select(r => (r.Type, r.Id)).ToList();
                keys.AddRange(await IncludeSql.RevIncludeAsync(session, include, ReferenceParameters(include), targets, ct));
            }
            var fresh = keys.Where(seen.Add).ToList();
            frontier = await ResourceReader.LoadByKeysAsync(session, fresh, ct);
            // Includes bring in only what the caller may read themselves: scopes, role and patient alike.
            if (session.Guard is { } guard) frontier = await guard.ReadableAsync(session, frontier, ct);
            result.AddRange(frontier);
        }
        return result;
    }

    /// <summary>The include's parameter, or for <c>Type:*</c> every reference parameter of its source type.</summary>
    private IReadOnlyCollection<string> ReferenceParameters(IncludeSpec include) => include.Param is { } one
        ? [one]
        : registry.For(include.SourceType).Where(p => p.Type == Hl7.Fhir.Model.SearchParamType.Reference).Select(p => p.Name).ToList();
}
