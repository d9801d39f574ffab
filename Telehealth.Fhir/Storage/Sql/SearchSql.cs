using System.Text;
using System.Text.Json;
using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>One match on a page, in order: its current version and the sort values the next page starts from.</summary>
public sealed record PageRow(StoredResource Resource, IReadOnlyList<JsonElement> SortValues)
{
    public long Key => Resource.Key;
}

/// <param name="Snapshot">The highest resource key when the first page was read: later resources stay out.</param>
/// <param name="Versions">The highest version sequence then: _lastUpdated sorts by the time as of that version.</param>
public sealed record PageResult(IReadOnlyList<PageRow> Rows, bool HasMore, long Snapshot, long Versions);

/// <summary>Runs a parsed search against the resource and index tables.</summary>
public sealed class SearchSql(TimeProvider clock, Microsoft.Extensions.Options.IOptions<StorageOptions> options)
{
    private readonly StorageOptions storage = options.Value;

    /// <summary>
    /// One page. A first page in key order (no <c>_sort</c>) is read without a snapshot bound, and the snapshot is
    /// taken after it, only when there is a next page to link to: most searches (a patient by an identifier, a
    /// patient's encounters) fit on one page and then cost one statement, not two. That is as safe as taking it
    /// before: keys only grow, so the snapshot covers every key on the page, and a resource created in between is new
    /// to the walk, beyond the cursor, and met once. A sorted search takes it first: <c>_lastUpdated</c> sorts by the
    /// time as of the snapshot, which must not be later than the first page.
    /// </summary>
    public async Task<PageResult> PageAsync(RecordSession session, SearchRequest request, CancellationToken ct)
    {
        if (request.Cursor is not null || request.Sort.Count > 0)
        {
            var (snapshot, versions) = request.Cursor is { } c ? (c.Snapshot, c.Versions) : await SnapshotAsync(session, ct);
            return await ReadPageAsync(session, request, snapshot, versions, ct);
        }
        var page = await ReadPageAsync(session, request, long.MaxValue, long.MaxValue, ct);
        if (!page.HasMore) return page;
        var (keys, sequence) = await SnapshotAsync(session, ct);
        return page with { Snapshot = keys, Versions = sequence };
    }

    private async Task<PageResult> ReadPageAsync(RecordSession session, SearchRequest request, long snapshot, long versions,
        CancellationToken ct)
    {
        var p = new SqlParameters();
        // No access filter on this type: a criterion's index rows alone can then be the matches (DrivenByKeysAsync).
        var unfiltered = session.Guard?.FiltersRows(request.ResourceType) != true;
        // Callers whose matches a walk in index order may check one by one: those who see the whole type, and a commune
        // doctor, who sees a good share of it (LoneTokenSql, SortWalkSql).
        var walkable = unfiltered || session.Guard?.SeesWholeStation == true;
        // A patient's few resources are checked against the window one by one instead (CriterionSql.DatePredicate).
        if (request.Sort.Count == 0 && session.Guard?.SeesOneRecordOf(request.ResourceType) != true && DateWindows(request).FirstOrDefault() is { } window)
        {
            var lone = unfiltered && request.Criteria.Count == window.Count();
            var days = lone ? DayPaging(p, request, snapshot) : null;
            var windowKeys = new DateSql(p, clock).Keys([.. window], request.ResourceType, window.Key, days);
            return await DrivenByKeysAsync(session, request, windowKeys,
                lone ? null : Filter(p, request, "r", snapshot, session.Guard, skipWindow: window.Key), p, snapshot, versions, ct,
                genericPlan: lone);
        }
        if (request.Sort.Count == 0 && request.Criteria is [ParameterCriterion { Parameter.Type: Hl7.Fhir.Model.SearchParamType.String, Modifier: null or "exact" or "contains" } name])
        {
            var nameKeys = new CriterionSql(p, clock, session.Guard).Keys(name, request.ResourceType);
            return await DrivenByKeysAsync(session, request, nameKeys,
                unfiltered ? null : Filter(p, request, "r", snapshot, session.Guard, skip: name), p, snapshot, versions, ct,
                // A prefix or exact name is a range on the index in any plan; a LIKE pattern (:contains) is left to custom plans.
                genericPlan: name.Modifier is null or "exact" && unfiltered);
        }
        // A lone reference to one resource (a patient's encounters), likewise from its index rows in key order. Not a
        // lone token (below): ordering its index by key as well made every create cost PostgreSQL a third more (run AO).
        if (request.Sort.Count == 0 && unfiltered && request.Criteria is [ParameterCriterion single]
            && new CriterionSql(p, clock).ClinicalReferenceKeys(single, request.ResourceType) is { } loneKeys)
            return await DrivenByKeysAsync(session, request, loneKeys, null, p, snapshot, versions, ct, genericPlan: true);
        // A lone token: read from its keys when it has few matches, else by walking the type in key order (LoneTokenSql).
        if (request.Sort.Count == 0 && walkable && request.Criteria is [ParameterCriterion token] && LoneTokenSql.Serves(token))
            return await ReadRowsAsync(session, request,
                LoneTokenSql.Page(p, new CriterionSql(p, clock), token, request, snapshot, storage, session.Database.IsPostgres,
                    session.Guard?.RowFilter(p, "r", request.ResourceType)), p,
                $"pg.rkey {(request.Backward ? "DESC" : "ASC")}", [], PlanModes.For(session, PlanModes.Generic), snapshot, versions, ct);
        // A sort by one date, latest first, of a whole type or of a common token: the date index walked from its latest end.
        if (walkable && SortWalkSql.Serves(request)
            && await SortWalkAsync(session, request, snapshot, versions, ct) is { } walked)
            return walked;
        var filter = Filter(p, request, "r", snapshot, session.Guard);
        var sort = request.Sort.Select(k => SortSql.Column(p, k, "r", versions)).ToList();
        var limit = request.Count + 1;

        var sql = new StringBuilder();
        string keyColumn;
        var sortNames = sort.Select((_, n) => "s" + n).ToList();
        if (sort.Count == 0)
        {
            keyColumn = "r.rkey";
            sql.Append($"SELECT r.rkey FROM resource r WHERE {filter}");
        }
        else
        {
            keyColumn = "q.rkey";
            var columns = string.Join(", ", sort.Select((s, n) => $"{s.Expression} AS s{n}"));
            sql.Append($"SELECT q.rkey, {string.Join(", ", sortNames.Select(n => "q." + n))} FROM (SELECT r.rkey AS rkey, {columns} FROM resource r WHERE {filter}) q WHERE 1=1");
        }
        var qualified = sortNames.Select(n => "q." + n).ToList();
        if (request.Cursor is { } cursor)
            sql.Append(" AND ").Append(SortSql.Keyset(p, sort, qualified, keyColumn, cursor));
        var backward = request.Backward;
        var directions = sort.Select(s => s.Descending ^ backward ? "DESC" : "ASC").Append(backward ? "DESC" : "ASC").ToList();
        var order = qualified.Append(keyColumn).Select((c, n) => $"{c} {directions[n]}");
        sql.Append(" ORDER BY ").Append(string.Join(", ", order)).Append(" LIMIT ").Append(limit);
        var outer = sortNames.Append("rkey").Select((c, n) => $"pg.{c} {directions[n]}");
        // With an access filter, planned for its values each time: a generic plan, which PostgreSQL settles on after a
        // few runs of a prepared statement, cannot tell a status every encounter has from a rare code, and for a
        // patient's finished encounters it read the 300,000 of everyone's (3.0 s at 1M) instead of the patient's few.
        var mode = unfiltered ? null : PlanModes.For(session, PlanModes.Custom);
        return await ReadRowsAsync(session, request, sql.ToString(), p, string.Join(", ", outer), sort, mode, snapshot, versions, ct);
    }

    /// <summary>
    /// Runs a page's statement (its first column the key, then <paramref name="sort"/>'s values) with each match's
    /// current version joined on, so the page and its resources come in one round trip. The join is outside the page's
    /// LIMIT, so it reads a page and one of versions whatever the number of matches. <paramref name="order"/> orders the
    /// joined rows again, over the page's columns as <c>pg</c>.
    /// </summary>
    private static async Task<PageResult> ReadRowsAsync(RecordSession session, SearchRequest request, string page, SqlParameters p,
        string order, List<SortColumn> sort, string? planMode, long snapshot, long versions, CancellationToken ct)
    {
        // On PostgreSQL each of the page's rows looks up its resource and version (LATERAL, kept apart by OFFSET 0,
        // which PostgreSQL would otherwise flatten into a plain join): a page with an access filter has plan costs in
        // the millions for branches it never runs, and beside them the join's order was a toss-up; a generic plan
        // once read all 1,027,087 resources in key order against the page (1.8-2.6 s for a commune doctor's first
        // page of vital signs at 1M, the page itself 2-7 ms).
        var sql = session.Database.IsPostgres
            ? $"SELECT pg.*, {ResourceReader.LiveColumns} FROM ({page}) pg CROSS JOIN LATERAL (SELECT * FROM resource r0 WHERE r0.rkey = pg.rkey OFFSET 0) r " +
              $"CROSS JOIN LATERAL (SELECT v0.json FROM resource_version v0 WHERE v0.rkey = r.rkey AND v0.version = r.version OFFSET 0) v ORDER BY {order}"
            : $"SELECT pg.*, {ResourceReader.LiveColumns} FROM ({page}) pg JOIN resource r ON r.rkey = pg.rkey " +
              $"JOIN resource_version v ON v.rkey = r.rkey AND v.version = r.version ORDER BY {order}";
        sql = PlanModes.Prefixed(sql, planMode);
        var rows = new List<PageRow>();
        await using (var cmd = session.Command(sql, [.. p.Values]))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (planMode is not null) await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var values = sort.Select((s, n) => JsonSerializer.SerializeToElement(s.Read(reader, n + 1))).ToList();
                rows.Add(new PageRow(ResourceReader.Live(reader, reader.GetInt64(0), sort.Count + 1), values));
            }
        }
        var hasMore = rows.Count > request.Count;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        if (request.Backward) rows.Reverse();
        return new PageResult(rows, hasMore, snapshot, versions);
    }

    /// <summary>
    /// An unsorted page driven by the keys of one criterion's index rows, in key order: a date window
    /// (<c>date=ge…&amp;date=lt…</c>), a lone string criterion (a name) or a lone reference to one resource. The
    /// database checks the other conditions on the first matches only and stops at the page's end, instead of looking
    /// up every match (hundreds for a day or a common name at a million resources) before ordering them.
    /// <paramref name="filter"/> is everything else; null when there is nothing else (no other criterion, no access
    /// filter): the keys' index rows are then exactly the matches (a resource's index rows are those of its
    /// current version, of its own type, and a deleted resource has none), so the page is read from them alone,
    /// without looking up each key in <c>resource</c> (which the page's read does anyway): a day of observations at a
    /// million resources read 100 buffers that way, one more B-tree level per key than at 100,000.
    /// </summary>
    /// <param name="genericPlan">
    /// On PostgreSQL, run the statement under its generic plan. For a lone date window, name or reference (no other
    /// criterion, no access filter) the plan has one shape whatever the values, yet left to itself PostgreSQL
    /// either plans it anew on every execution (the generic plan's estimate, from default selectivities, is above the
    /// custom plans', so the plan cache never switches) or, per connection, settles on a generic plan after the first
    /// few values it sees. Planning cost as much as running it or more: with pgbench on the 1M bench database, a date
    /// window did 1,550–2,400 executions/s with custom plans and 3,770–3,920 with the generic plan; a reference to a
    /// patient 1,730 and 13,500. Never with other criteria: a patient's observations in a year is driven by the
    /// patient, which only a custom plan sees. The setting is local to the command's implicit
    /// transaction (Npgsql sends one Sync a command), so outside a write's transaction it ends with the statement.
    /// </param>
    private static async Task<PageResult> DrivenByKeysAsync(RecordSession session, SearchRequest request, string keys, string? filter,
        SqlParameters p, long snapshot, long versions, CancellationToken ct, bool genericPlan = false)
    {
        var direction = request.Backward ? "DESC" : "ASC";
        // With a filter, the snapshot is in it.
        var bounds = new KeyBounds(p, request, filter is null ? snapshot : long.MaxValue).On("w.rkey");
        var (select, where, order) = KeyBounds.SortedKeys(keys, bounds, direction, filter);
        var sql = $"{select}{KeyBounds.Where(where)}{order} LIMIT {request.Count + 1}";
        return await ReadRowsAsync(session, request, sql, p, $"pg.rkey {direction}", [], genericPlan ? PlanModes.For(session, PlanModes.Generic) : null,
            snapshot, versions, ct);
    }

    /// <summary>
    /// A page sorted by one date, latest first, read by walking the date index (<see cref="SortWalkSql"/>). Null when the
    /// token has fewer than <see cref="StorageOptions.CommonTokenAt"/> index rows (its matches are then sorted at once,
    /// where a walk could read many index rows between them), or when the walk did not fill the page: it read
    /// <see cref="StorageOptions.SortWalkBudget"/> rows, or reached the matches without a value. The general
    /// statement then sorts the matches, as it did before.
    /// </summary>
    private async Task<PageResult?> SortWalkAsync(RecordSession session, SearchRequest request, long snapshot, long versions, CancellationToken ct)
    {
        var mode = PlanModes.For(session, PlanModes.Generic);
        if (request.Criteria is [ParameterCriterion token])
        {
            var k = new SqlParameters();
            var keys = new CriterionSql(k, clock).Keys(token, request.ResourceType);
            await using var cmd = session.Command(
                PlanModes.Prefixed(LoneTokenSql.IsCommon(keys, storage.CommonTokenAt), mode), [.. k.Values]);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (mode is not null) await reader.NextResultAsync(ct);
            if (!await reader.ReadAsync(ct) || !reader.GetBoolean(0))
            {
                SortWalkSql.Count("few", session, request);
                return null;
            }
        }
        var p = new SqlParameters();
        var sql = SortWalkSql.Page(p, new CriterionSql(p, clock), request, snapshot, session.Guard?.RowFilter(p, "r", request.ResourceType),
            storage.SortWalkBudget, session.Database.IsPostgres);
        var page = await ReadRowsAsync(session, request, sql, p, "pg.s0 DESC, pg.rkey ASC", [new SortColumn("", SqlKind.Integer, Descending: true)],
            mode, snapshot, versions, ct);
        // A resource gets one placing row as long as its date rows differ in start or end (IndexWriter writes each
        // once); should one come twice, the general statement answers rather than repeating it.
        var walked = page.HasMore && page.Rows.DistinctBy(r => r.Resource.Key).Count() == page.Rows.Count;
        SortWalkSql.Count(walked ? "walked" : "gave_way", session, request);
        return walked ? page : null;
    }

    /// <summary>
    /// For a lone date window: each whole day's keys after the cursor and within the snapshot, at most a page and one
    /// of them. Its index rows are exactly its matches (a deleted resource has none, and no other condition applies),
    /// so the first keys of each day, merged, are the first of the window.
    /// </summary>
    private static DayPaging DayPaging(SqlParameters p, SearchRequest request, long snapshot) =>
        new(p.Add(snapshot), request.Cursor is { } cursor ? p.Add(cursor.Key) : null, request.Backward, request.Count + 1);

    public async Task<long> CountAsync(RecordSession session, SearchRequest request, long snapshot, CancellationToken ct)
    {
        var p = new SqlParameters();
        var filter = Filter(p, request, "r", snapshot, session.Guard);
        await using var cmd = session.Command($"SELECT COUNT(*) FROM resource r WHERE {filter}", [.. p.Values]);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>
    /// Keys of matches, for conditional create, update and delete (which look at at most a few), narrowed to what the
    /// caller may see as their search is: an answer that depended on hidden records would reveal them. A record the
    /// caller cannot see is therefore not found, and a conditional create makes the caller's own (as a plain create
    /// would); linking the two is for whoever may see both.
    /// </summary>
    public async Task<List<long>> MatchKeysAsync(RecordSession session, string type, IReadOnlyList<Criterion> criteria, int limit, CancellationToken ct)
    {
        var p = new SqlParameters();
        var request = new SearchRequest(type, criteria, [], limit, TotalMode.None, SummaryMode.None, null, [], [], null, []);
        var filter = Filter(p, request, "r", long.MaxValue, session.Guard);
        var keys = new List<long>();
        await using var cmd = session.Command($"SELECT r.rkey FROM resource r WHERE {filter} LIMIT {limit}", [.. p.Values]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) keys.Add(reader.GetInt64(0));
        return keys;
    }

    /// <summary>AND-ed single-valued criteria on one date parameter (date=ge…&amp;date=lt…), grouped by parameter.</summary>
    private static List<IGrouping<string, ParameterCriterion>> DateWindows(SearchRequest request) =>
        request.Criteria.OfType<ParameterCriterion>()
            .Where(c => c.Parameter is { Type: Hl7.Fhir.Model.SearchParamType.Date, IsColumn: false } && c.Modifier is null && c.Values.Count == 1)
            .GroupBy(c => c.Parameter.Name).Where(g => g.Count() > 1).ToList();

    /// <param name="skipWindow">A date window the caller already applies (it drives the page), left out here.</param>
    /// <param name="skip">Likewise a criterion that drives the page.</param>
    private string Filter(SqlParameters p, SearchRequest request, string alias, long snapshot, Access.AccessGuard? guard,
        string? skipWindow = null, Criterion? skip = null)
    {
        var criteria = new CriterionSql(p, clock, guard);
        var parts = new List<string>
        {
            $"{alias}.type = {p.Add(request.ResourceType)}",
            $"{alias}.deleted = 0",
        };
        if (snapshot != long.MaxValue) parts.Add($"{alias}.rkey <= {p.Add(snapshot)}");
        // AND-ed single-valued criteria on one date parameter (date=ge…&date=lt…) are one window on one index row.
        var dateWindows = DateWindows(request);
        foreach (var window in dateWindows.Where(w => w.Key != skipWindow))
            parts.Add(criteria.DatePredicate([.. window], alias, request.ResourceType, window.Key));
        var windowed = dateWindows.SelectMany(g => g).ToHashSet();
        parts.AddRange(request.Criteria.Where(c => !windowed.Contains(c) && c != skip).Select(c => criteria.Predicate(c, alias, request.ResourceType)));
        // Only what the caller may see is matched, counted and paged.
        if (guard?.RowFilter(p, alias, request.ResourceType) is { } visible) parts.Add(visible);
        return string.Join(" AND ", parts);
    }

    private static async Task<(long Keys, long Versions)> SnapshotAsync(RecordSession session, CancellationToken ct)
    {
        await using var cmd = session.Command(
            "SELECT (SELECT COALESCE(MAX(rkey), 0) FROM resource), (SELECT COALESCE(MAX(seq), 0) FROM resource_version)");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
