using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>Finds what <c>_include</c> and <c>_revinclude</c> add to a page.</summary>
public static class IncludeSql
{
    /// <summary>Resources referenced from <paramref name="sources"/> through the include's parameter.</summary>
    public static async Task<List<long>> IncludeAsync(RecordSession session, IncludeSpec include, IReadOnlyCollection<long> sources, CancellationToken ct)
    {
        if (sources.Count == 0) return [];
        var p = new SqlParameters();
        var keys = string.Join(", ", sources.Select(k => p.Add(k)));
        var sql = "SELECT DISTINCT t.rkey FROM ix_reference i JOIN resource t ON t.type = i.target_type AND t.id = i.target_id " +
                  $"WHERE t.deleted = 0 AND i.rkey IN ({keys})";
        if (include.SourceType != "*") sql += $" AND i.type = {p.Add(include.SourceType)}";
        if (include.Param is not null) sql += $" AND i.param = {p.Add(include.Param)}";
        if (include.TargetType is not null) sql += $" AND i.target_type = {p.Add(include.TargetType)}";
        return await KeysAsync(session, sql, p, ct);
    }

    /// <summary>
    /// Resources of the include's source type that refer to any of <paramref name="targets"/> through one of
    /// <paramref name="parameters"/> (the include's own, or for <c>Type:*</c> every reference parameter of the type):
    /// asked by source type and parameter, the search index's order, for any type alike.
    /// </summary>
    public static async Task<List<long>> RevIncludeAsync(RecordSession session, IncludeSpec include, IReadOnlyCollection<string> parameters,
        IReadOnlyCollection<(string Type, string Id)> targets, CancellationToken ct)
    {
        if (targets.Count == 0 || parameters.Count == 0) return [];
        var p = new SqlParameters();
        var byType = targets.GroupBy(t => t.Type)
            .Select(g => $"(i.target_type = {p.Add(g.Key)} AND i.target_id IN ({string.Join(", ", g.Select(t => p.Add(t.Id)))}))");
        var sql = "SELECT DISTINCT i.rkey FROM ix_reference i JOIN resource s ON s.rkey = i.rkey " +
                  $"WHERE s.deleted = 0 AND i.type = {p.Add(include.SourceType)} " +
                  $"AND i.param IN ({string.Join(", ", parameters.Select(n => p.Add(n)))}) AND ({string.Join(" OR ", byType)})";
        if (include.TargetType is not null) sql += $" AND i.target_type = {p.Add(include.TargetType)}";
        return await KeysAsync(session, sql, p, ct);
    }

    /// <summary>
    /// Everything in a patient's record: resources that refer to the patient by any parameter, except the audit trail
    /// about them (AuditEvents, which are not part of the record, and of which a patient read often has thousands).
    /// </summary>
    public static async Task<List<long>> ReferringAsync(RecordSession session, string type, string id, IReadOnlyCollection<string>? sourceTypes, CancellationToken ct)
    {
        var p = new SqlParameters();
        var sql = "SELECT DISTINCT i.rkey FROM ix_reference i JOIN resource s ON s.rkey = i.rkey " +
                  $"WHERE s.deleted = 0 AND i.target_type = {p.Add(type)} AND i.target_id = {p.Add(id)} AND {NotAudit}";
        if (sourceTypes is { Count: > 0 }) sql += $" AND i.type IN ({string.Join(", ", sourceTypes.Select(t => p.Add(t)))})";
        return await KeysAsync(session, sql, p, ct);
    }

    /// <summary>
    /// AuditEvents' reference rows are not in the index by target alone (migration 0009: each read adds some); the
    /// condition is written out so that both databases see it implies that partial index's.
    /// </summary>
    private const string NotAudit = "i.type <> 'AuditEvent'";

    private static async Task<List<long>> KeysAsync(RecordSession session, string sql, SqlParameters p, CancellationToken ct)
    {
        var keys = new List<long>();
        await using var cmd = session.Command(sql, [.. p.Values]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) keys.Add(reader.GetInt64(0));
        return keys;
    }
}
