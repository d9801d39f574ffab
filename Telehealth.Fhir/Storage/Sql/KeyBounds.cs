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

    /// <summary>
    /// The first keys of <paramref name="keys"/> (a SELECT of <c>rkey</c>, a key maybe more than once) within
    /// <paramref name="bounds"/> (on <c>w.rkey</c>), in key order, as the parts of one SELECT that the caller finishes
    /// with its LIMIT and any condition of its own in WHERE. With a <paramref name="filter"/> on the resource row
    /// <c>r</c>, the keys are checked against it in that order, so the page ends at the first matches that pass.
    /// </summary>
    public static (string Select, List<string> Where, string Order) SortedKeys(string keys, List<string> bounds, string direction, string? filter) =>
        filter is null
            ? ($"SELECT DISTINCT w.rkey FROM ({keys}) w", bounds, $" ORDER BY w.rkey {direction}")
            : ($"SELECT k.rkey FROM (SELECT DISTINCT w.rkey FROM ({keys}) w{Where(bounds)} ORDER BY w.rkey {direction}) k " +
               "JOIN resource r ON r.rkey = k.rkey", [filter], $" ORDER BY k.rkey {direction}");

    /// <summary>" WHERE a AND b …", or nothing for no conditions.</summary>
    public static string Where(List<string> conditions) => conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);

    /// <summary>The conditions on <paramref name="key"/>: none, one or two.</summary>
    public List<string> On(string key)
    {
        var bounds = new List<string>();
        if (cursor is not null) bounds.Add($"{key} {(request.Backward ? "<" : ">")} {cursor}");
        if (upTo is not null) bounds.Add($"{key} <= {upTo}");
        return bounds;
    }
}
