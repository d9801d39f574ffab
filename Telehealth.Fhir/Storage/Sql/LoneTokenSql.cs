using Hl7.Fhir.Model;
using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>
/// The page of a search by one token parameter alone (<c>Patient?identifier=…</c>, <c>Observation?code=…</c>), with
/// no sort, by a caller who sees every resource of the type or by a commune doctor, whose access filter is then
/// checked on each match in key order (<c>AccessGuard.SeesWholeStation</c>). How best to find the first matches in
/// key order depends on how many there are, and a plan cached for one value is wrong for another: a generic plan that
/// reads every match and sorts them took 0.7–1 s for the 105,358 heart rates of the 1M bench database, while a walk in
/// key order would read the whole index for an identifier that none has. Ordering the token index by key as well (as
/// lone references are) made every create cost PostgreSQL a third more (run AO). So the statement first looks whether
/// the token has <c>commonAt</c> index rows (<see cref="StorageOptions.CommonTokenAt"/>; a resource with two matching
/// codings has two), and runs one of two branches, each with a plan that does not depend on the values:
/// <list type="bullet">
/// <item>fewer (an identifier, a rare code): the matches' keys from the index, sorted; at most
/// <c>commonAt</c> of them;</item>
/// <item>as many or more (a common code, a gender): the token index's rows in key order, of every type and parameter
/// (the condition on them is checked on each row, without an index), until the page is full; a page of 20 reads on
/// average <c>20 × rows / matches</c> of them. The walk reads at most <c>walkBudget</c>
/// (<see cref="StorageOptions.TokenWalkBudget"/>) rows past the cursor: where the matches cluster in time (a code
/// used only lately, one no longer used), it would read every row between them (1.8 s at 1M for a code on the last
/// 10,000 observations, docs/PERFORMANCE.md run AR), so when the budget does not fill the page and more rows lie
/// beyond it, the matches after the cursor are sorted instead, as in the first branch.</item>
/// </list>
/// The other branch sits under a condition on that answer that is false, and is not run.
/// </summary>
internal static class LoneTokenSql
{
    /// <summary>True for a criterion this page can serve: a token parameter indexed in ix_token, with no modifier.</summary>
    public static bool Serves(ParameterCriterion c) =>
        c is { Parameter.Type: SearchParamType.Token, Parameter.IsColumn: false, Modifier: null }
        && c.Values.All(v => v is TokenValue);

    /// <summary>
    /// Whether the token's index rows (<paramref name="keys"/>, a SELECT of them) number <paramref name="commonAt"/> or
    /// more, as one boolean column: this statement's first part, and the sorted walk's check (<see cref="SortWalkSql"/>).
    /// </summary>
    public static string IsCommon(string keys, int commonAt) => $"SELECT EXISTS (SELECT 1 FROM ({keys}) k LIMIT 1 OFFSET {commonAt - 1})";

    /// <summary>
    /// The page's keys (a page and one), after the cursor and within the snapshot (none when
    /// <paramref name="snapshot"/> is <see cref="long.MaxValue"/>), in the request's direction.
    /// </summary>
    /// <param name="visible">
    /// The caller's access filter on the row <c>r</c> (its rkey, type and id), or null when the caller sees every
    /// resource of the type. Both branches check it on each match in key order, so a page costs checks in proportion
    /// to how few of the matches the caller may see, not to how many matches there are.
    /// </param>
    public static string Page(SqlParameters p, CriterionSql criteria, ParameterCriterion c, SearchRequest request, long snapshot,
        StorageOptions options, bool postgres, string? visible = null)
    {
        var (commonAt, walkBudget) = (options.CommonTokenAt, options.TokenWalkBudget);
        var direction = request.Backward ? "DESC" : "ASC";
        var limit = request.Count + 1;
        var type = request.ResourceType;
        var bounds = new KeyBounds(p, request, snapshot);
        // A part whose condition fails must not run. PostgreSQL checks such a condition once, before the part (a
        // one-time filter); SQLite checks it on every row (its walk read all 500,000 resources of a test database for
        // an identifier), so there the condition sets the part's LIMIT instead, which it evaluates once, and a LIMIT
        // of 0 ends the part before it starts. PostgreSQL keeps the condition: it plans a LIMIT it cannot evaluate as
        // keeping a tenth of the rows, which could change the walk's plan.
        string Gated(string select, List<string> where, string order, int rows, string condition)
        {
            if (postgres) where.Insert(0, condition);
            return $"{select}{KeyBounds.Where(where)}{order} LIMIT {(postgres ? $"{rows}" : $"CASE WHEN {condition} THEN {rows} ELSE 0 END")}";
        }
        // Whether the token has a commonAt-th match: stepping over the index rows costs less than counting them (the
        // whole statement for a common code at 1M: 0.49-0.59 ms against 0.64-0.74). SELECT 1 over the keys lets
        // PostgreSQL read the index alone; selecting the key itself took 4.4-5.9 ms, from the table.
        // The token's index rows, written once: the check below and the sorted branch read them with the same parameters.
        var keys = criteria.Keys(c, type);
        var common = $"{IsCommon(keys, commonAt)} AS c";
        // The walk: the token index's rows in key order, at most walkBudget of them past the cursor, until the page
        // is full. A resource's index rows are those of its current version (none once deleted), so the rows alone
        // say which resources match: one descent of ix_token_rkey and a run along its leaves, 19-27 buffers for a
        // page of a common code at 1M, where checking each resource of the walk against its own rows by key took
        // 2,972 (a descent each, one level deeper at 1M than at 100k). The window's LIMIT keeps the condition on the
        // type and value outside it, so no plan can take the value's index instead.
        var window = Gated("SELECT x.* FROM ix_token x", bounds.On("x.rkey"), $" ORDER BY x.rkey {direction}", walkBudget, "(SELECT c FROM n)");
        // SQLite sorts again for an ORDER BY over a subquery, reading the whole window before the first row; its
        // subquery runs as a co-routine that hands its rows on in the window's order, and the outer query keeps it.
        // CROSS JOIN keeps SQLite from putting resource first in the join, which would break that order.
        var inOrder = postgres ? $" ORDER BY m.rkey {direction}" : "";
        var matches = $"SELECT DISTINCT m.rkey FROM ({criteria.MatchesIn(c, type, window)}) m";
        var walk = visible is null
            ? $"{matches}{inOrder} LIMIT {limit}"
            : $"SELECT k.rkey FROM ({matches}{inOrder}) k CROSS JOIN resource r WHERE r.rkey = k.rkey AND {visible}" +
              $"{(postgres ? $" ORDER BY k.rkey {direction}" : "")} LIMIT {limit}";
        // The walk is the answer when it filled the page, or when its budget reached past the last key (fewer index
        // rows than the budget lie past the cursor). Otherwise the matches cluster somewhere beyond the budget
        // (a code used only lately, one no longer used), and the matches after the cursor are sorted instead.
        var done = $"SELECT ((SELECT COUNT(*) FROM b) >= {limit} OR NOT EXISTS (SELECT 1 FROM ix_token y{KeyBounds.Where(bounds.On("y.rkey"))} " +
                   $"ORDER BY y.rkey {direction} LIMIT 1 OFFSET {walkBudget - 1})) AS d";
        const string walked = "((SELECT c FROM n) AND (SELECT d FROM f))";
        const string sorts = "(NOT (SELECT c FROM n) OR NOT (SELECT d FROM f))";
        // A token's index rows are exactly its matches: of the current version, of the resource's own type, and
        // none for a deleted resource.
        var (select, where, order) = KeyBounds.SortedKeys(keys, bounds.On("w.rkey"), direction, visible);
        var sorted = Gated(select, where, order, limit, sorts);
        var fromWalk = Gated("SELECT b.rkey FROM b", [], "", limit, walked);
        return $"WITH n AS ({common}), b AS MATERIALIZED ({walk}), f AS ({done}) " +
               $"SELECT rkey FROM ({sorted}) a UNION ALL SELECT rkey FROM ({fromWalk}) e";
    }
}
