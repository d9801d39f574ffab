using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>
/// Where a page in key order starts and ends: past the cursor (before it, going back) and within the snapshot (no
/// bound when it is <see cref="long.MaxValue"/>). Each value is one parameter, however many keys are bounded by it.
/// </summary>
internal sealed class KeyBounds(SqlParameters p, SearchRequest request, long snapshot)
{
    private readonly string? cursor = request.Cursor is { } c ? p.Add(c.Key) : null;
    private readonly string? upTo = snapshot == long.MaxValue ? null : p.Add(snapshot);

    /// <summary>The conditions on <paramref name="key"/>: none, one or two.</summary>
    public List<string> On(string key)
    {
        var bounds = new List<string>();
        if (cursor is not null) bounds.Add($"{key} {(request.Backward ? "<" : ">")} {cursor}");
        if (upTo is not null) bounds.Add($"{key} <= {upTo}");
        return bounds;
    }
}
