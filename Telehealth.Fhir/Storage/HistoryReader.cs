namespace Telehealth.Fhir.Storage;

/// <summary>Reads versions newest first for the instance, type and system history interactions.</summary>
public sealed class HistoryReader(RecordDatabase database)
{
    public async Task<(List<HistoryEntry> Entries, bool HasMore)> ReadAsync(string? type, string? id, DateTimeOffset? since,
        long? beforeSequence, int count, CancellationToken ct)
    {
        await using var session = await database.ReadAsync(ct);
        var p = new Sql.SqlParameters();
        var where = new List<string> { "1=1" };
        if (type is not null) where.Add($"type = {p.Add(type)}");
        if (id is not null) where.Add($"id = {p.Add(id)}");
        if (since is not null) where.Add($"last_updated >= {p.Add(since.Value.UtcTicks)}");
        if (beforeSequence is not null) where.Add($"seq < {p.Add(beforeSequence.Value)}");
        var sql = "SELECT seq, rkey, type, id, version, last_updated, method, json FROM resource_version " +
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
        return (entries, hasMore);
    }
}
