using Hl7.Fhir.Model;
using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>
/// The page of a search by one token parameter alone (<c>Patient?identifier=…</c>, <c>Observation?code=…</c>), with
/// no sort and no access filter. How best to find the first matches in key order depends on how many there are, and
/// a plan cached for one value is wrong for another: a generic plan that reads every match and sorts them took
/// 0.7–1 s for the 105,358 heart rates of the 1M bench database, while a plan that walks the type's resources in key
/// order and checks each one would walk all 600,000 observations for an identifier that none has. Ordering the
/// token index by key as well (as lone references are) made every create cost PostgreSQL a third more (run AO).
/// So the statement first looks whether the token has <c>commonAt</c> index rows
/// (<see cref="StorageOptions.CommonTokenAt"/>; a resource with two matching codings has two), and runs one of two
/// branches, each with a plan that does not depend on the values:
/// <list type="bullet">
/// <item>fewer (an identifier, a rare code): the matches' keys from the index, sorted; at most
/// <c>commonAt</c> of them;</item>
/// <item>as many or more (a common code, a gender): resources in key order (of every type: the type is compared
/// first, without an index), each of the type checked against its own index rows, until the page is full; a page
/// of 20 walks on average <c>20 × resources / matches</c> of them.</item>
/// </list>
/// The other branch sits under a condition on that answer that is false, and is not run.
/// </summary>
/// <remarks>
/// The walk assumes the matches are spread over the keys, as PostgreSQL's own plan for a common value does. Where
/// they cluster, it walks the keys between them: the first page of a code used only lately walks every resource
/// written before it, the last page of a code no longer used walks every resource written after it (up to the
/// snapshot), and going back to the first page walks down to the first key. At 1M resources a code on the last
/// 10,000 observations took 1.8 s for its first page, where sorting its matches took 40 ms (docs/PERFORMANCE.md, run
/// AR). Not yet mended: the walk should stop after a budget of resources and sort the matches after the cursor.
/// </remarks>
/// </summary>
internal static class LoneTokenSql
{
    /// <summary>True for a criterion this page can serve: a token parameter indexed in ix_token, with no modifier.</summary>
    public static bool Serves(ParameterCriterion c) =>
        c is { Parameter.Type: SearchParamType.Token, Parameter.IsColumn: false, Modifier: null }
        && c.Values.All(v => v is TokenValue);

    /// <summary>
    /// The page's keys (a page and one), after the cursor and within the snapshot (none when
    /// <paramref name="snapshot"/> is <see cref="long.MaxValue"/>), in the request's direction.
    /// </summary>
    public static string Page(SqlParameters p, CriterionSql criteria, ParameterCriterion c, SearchRequest request, long snapshot,
        int commonAt, bool postgres)
    {
        var backward = request.Cursor?.Backward ?? false;
        var direction = backward ? "DESC" : "ASC";
        var limit = request.Count + 1;
        var type = request.ResourceType;
        List<string> Bounds(string key)
        {
            var bounds = new List<string>();
            if (request.Cursor is { } cursor) bounds.Add($"{key} {(backward ? "<" : ">")} {p.Add(cursor.Key)}");
            if (snapshot != long.MaxValue) bounds.Add($"{key} <= {p.Add(snapshot)}");
            return bounds;
        }
        // The branch whose condition fails must not run. PostgreSQL checks such a condition once, before the branch
        // (a one-time filter); SQLite checks it on every row (its walk read all 500,000 resources of a test database
        // for an identifier), so there the condition sets the branch's LIMIT instead, which it evaluates once, and a
        // LIMIT of 0 ends the branch before it starts. PostgreSQL keeps the condition: it plans a LIMIT it cannot
        // evaluate as keeping a tenth of the rows, which could change the walk's plan.
        string Branch(string from, List<string> where, string key, string condition)
        {
            if (postgres) where.Insert(0, condition);
            var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
            var rows = postgres ? $"{limit}" : $"CASE WHEN {condition} THEN {limit} ELSE 0 END";
            return $"SELECT {from}{filter} ORDER BY {key} {direction} LIMIT {rows}";
        }
        // Whether the token has a commonAt-th match: stepping over the index rows costs less than counting them (the
        // whole statement for a common code at 1M: 0.49-0.59 ms against 0.64-0.74). SELECT 1 over the keys lets
        // PostgreSQL read the index alone; selecting the key itself took 4.4-5.9 ms, from the table.
        var common = $"SELECT EXISTS (SELECT 1 FROM ({criteria.Keys(c, type)}) k LIMIT 1 OFFSET {commonAt - 1}) AS c";
        // A token's index rows are exactly its matches: of the current version, of the resource's own type, and
        // none for a deleted resource.
        var rare = Branch($"DISTINCT w.rkey FROM ({criteria.Keys(c, type)}) w", Bounds("w.rkey"), "w.rkey",
            "NOT (SELECT c FROM n)");
        // The type is compared as an expression, which no index serves: SQLite's planner, without statistics, took
        // the index on (type, last_updated) and read every resource of the type (500,000 in 0.6-0.9 s) to sort them,
        // where the walk in key order stops at the page's end (5-23 ms with the count first, on the same database).
        var walk = Branch("r.rkey FROM resource r",
            [$"r.type || '' = {p.Add(type)}", "r.deleted = 0", .. Bounds("r.rkey"), criteria.MatchesRowsOf(c, "r.rkey")], "r.rkey",
            "(SELECT c FROM n)");
        return $"WITH n AS ({common}) SELECT rkey FROM ({rare}) a UNION ALL SELECT rkey FROM ({walk}) b";
    }
}
