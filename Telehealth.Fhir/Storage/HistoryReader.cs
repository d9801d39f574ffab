namespace Telehealth.Fhir.Storage;

/// <summary>Reads versions newest first for the instance, type and system history interactions.</summary>
public sealed class HistoryReader(RecordDatabase database, Access.AuditTrail audit)
{
    public async Task<(List<HistoryEntry> Entries, bool HasMore)> ReadAsync(string? type, string? id, DateTimeOffset? since,
        long? beforeSequence, int count, CancellationToken ct)
    {
        await using var session = await database.ReadAsync(ct);
        var p = new Sql.SqlParameters();
        var where = new List<string> { "1=1" };
        // An instance's history needs the instance (read once, for the 404 and for the access check).
        var current = id is null ? null
            : await ResourceReader.ReadAsync(session, type!, id, ct) ?? throw Model.FhirException.NotFound($"{type}/{id} does not exist.");
        if (session.Guard is { } guard)
        {
            // An instance's history is a read of it; a type's or the system's, a search over everything it holds.
            guard.Require(type ?? "*", id is null ? 's' : 'r');
            if (current is not null) await guard.CheckReadAsync(session, current, "history-instance", ct);
            if (guard.RowFilter(p, "v", type) is { } visible) where.Add(visible);
        }
        if (type is not null) where.Add($"type = {p.Add(type)}");
        if (id is not null) where.Add($"id = {p.Add(id)}");
        if (since is not null) where.Add($"last_updated >= {p.Add(since.Value.UtcTicks)}");
        if (beforeSequence is not null) where.Add($"seq < {p.Add(beforeSequence.Value)}");
        var sql = "SELECT seq, rkey, type, id, version, last_updated, method, json FROM resource_version v " +
                  $"WHERE {string.Join(" AND ", where)} ORDER BY seq DESC LIMIT {count + 1}";
        var entries = new List<HistoryEntry>();
        await using var cmd = session.Command(sql, [.. p.Values]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var method = reader.GetString(6);
            var stored = new StoredResource(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                ResourceReader.Ticks(reader.GetInt64(5)), method == "DELETE", reader.IsDBNull(7) ? null : reader.GetString(7));
            entries.Add(new HistoryEntry(reader.GetInt64(0), stored, method));
        }
        var hasMore = entries.Count > count;
        if (hasMore) entries.RemoveAt(entries.Count - 1);
        if (session.Guard is { } g)
            await audit.RecordReadAsync(g.Caller, id is null ? type is null ? "history-system" : "history-type" : "history-instance",
                entries.Where(e => !e.Resource.Deleted).Select(e => e.Resource), null, ct);
        return (entries, hasMore);
    }
}
