using System.Data.Common;

namespace Telehealth.Fhir.Storage;

/// <summary>Reads current and past versions by identity, inside a session (so a transaction sees its own writes).</summary>
public static class ResourceReader
{
    /// <summary>Reads the current version (deleted or not).</summary>
    public static async Task<StoredResource?> ReadAsync(RecordSession session, string type, string id, CancellationToken ct) =>
        (await ReadWithAsync(session, type, id, null, new Sql.SqlParameters(), null, null, ct))?.Stored;

    /// <summary>Reads one version (a deletion's version has no JSON).</summary>
    public static async Task<StoredResource?> ReadVersionAsync(RecordSession session, string type, string id, int version, CancellationToken ct) =>
        (await ReadWithAsync(session, type, id, version, new Sql.SqlParameters(), null, null, ct))?.Stored;

    /// <summary>
    /// Reads the current version inside a write, locking its row on PostgreSQL until the transaction ends. The row is
    /// locked on its own, then its JSON read: with the join in the locking query, a writer that waited for the lock
    /// would have PostgreSQL re-check the join against the old version's row and drop it, so a resource changed
    /// meanwhile would look absent (a lost delete, a 404 on patch).
    /// </summary>
    public static async Task<StoredResource?> ReadForUpdateAsync(RecordSession tx, string type, string id, CancellationToken ct)
    {
        long key;
        int version;
        DateTimeOffset lastUpdated;
        bool deleted;
        await using (var cmd = tx.Command("SELECT rkey, version, last_updated, deleted FROM resource WHERE type = @t AND id = @id" + tx.Database.ForUpdate,
            ("@t", type), ("@id", id)))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            (key, version, lastUpdated, deleted) = (reader.GetInt64(0), reader.GetInt32(1), Ticks(reader.GetInt64(2)), reader.GetInt32(3) != 0);
        }
        await using var json = tx.Command("SELECT json FROM resource_version WHERE rkey = @k AND version = @v", ("@k", key), ("@v", version));
        var text = await json.ExecuteScalarAsync(ct);
        return new StoredResource(key, type, id, version, lastUpdated, deleted, text as string);
    }

    /// <summary>Which of these (type, id) pairs are stored (deleted or not).</summary>
    public static async Task<HashSet<(string Type, string Id)>> ExistingAsync(RecordSession session, IReadOnlyList<(string Type, string Id)> pairs, CancellationToken ct)
    {
        var found = new HashSet<(string, string)>();
        foreach (var chunk in pairs.Chunk(500))
        {
            var p = new Sql.SqlParameters();
            var rows = string.Join(", ", chunk.Select(x => $"({p.Add(x.Type)}, {p.Add(x.Id)})"));
            await using var cmd = session.Command($"SELECT type, id FROM resource WHERE (type, id) IN ({rows})", [.. p.Values]);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) found.Add((reader.GetString(0), reader.GetString(1)));
        }
        return found;
    }

    /// <summary>
    /// Reads the current version, or version <paramref name="version"/>, together with whether the row passes
    /// <paramref name="visible"/> (a predicate over alias <c>r</c>, with its values in <paramref name="p"/>; null passes
    /// everything) and the value of <paramref name="column"/> (an expression over <c>r</c>; null reads none): one
    /// statement, so a caller's access check costs no round trip of its own.
    /// </summary>
    public static async Task<(StoredResource Stored, bool Visible, string? Column)?> ReadWithAsync(RecordSession session, string type, string id,
        int? version, Sql.SqlParameters p, string? visible, string? column, CancellationToken ct)
    {
        var check = visible is null ? "1" : $"CASE WHEN {visible} THEN 1 ELSE 0 END";
        var extra = column ?? "NULL";
        var sql = version is null
            ? $"SELECT r.rkey, r.version, r.last_updated, r.deleted, v.json, {check}, {extra} FROM resource r " +
              $"JOIN resource_version v ON v.rkey = r.rkey AND v.version = r.version WHERE r.type = {p.Add(type)} AND r.id = {p.Add(id)}"
            : $"SELECT r.rkey, r.version, r.last_updated, CASE WHEN r.method = 'DELETE' THEN 1 ELSE 0 END, r.json, {check}, {extra} FROM resource_version r " +
              $"WHERE r.type = {p.Add(type)} AND r.id = {p.Add(id)} AND r.version = {p.Add(version.Value)}";
        await using var cmd = session.Command(sql, [.. p.Values]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (Current(reader, type, id), Convert.ToInt32(reader.GetValue(5)) != 0, reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    /// <summary>Loads the current, not deleted, versions of many resources by key, in one query, in the keys' order.</summary>
    public static async Task<List<StoredResource>> LoadByKeysAsync(RecordSession session, IReadOnlyList<long> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return [];
        var p = new Sql.SqlParameters();
        var names = string.Join(',', keys.Select(k => p.Add(k)));
        var sql = $"SELECT r.rkey, {LiveColumns} FROM resource r " +
                  "JOIN resource_version v ON v.rkey = r.rkey AND v.version = r.version " +
                  $"WHERE r.deleted = 0 AND r.rkey IN ({names})";
        var found = new Dictionary<long, StoredResource>(keys.Count);
        await using var cmd = session.Command(sql, [.. p.Values]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found[reader.GetInt64(0)] = Live(reader, reader.GetInt64(0), 1);
        return keys.Where(found.ContainsKey).Select(k => found[k]).ToList();
    }

    /// <summary>What <see cref="Live"/> reads, over <c>resource r</c> joined to its current <c>resource_version v</c>.</summary>
    internal const string LiveColumns = "r.type, r.id, r.version, r.last_updated, v.json";

    /// <summary>A current, not deleted, version from <see cref="LiveColumns"/>, starting at column <paramref name="at"/>.</summary>
    internal static StoredResource Live(DbDataReader reader, long key, int at) =>
        new(key, reader.GetString(at), reader.GetString(at + 1), reader.GetInt32(at + 2), Ticks(reader.GetInt64(at + 3)), false,
            reader.GetString(at + 4));

    internal static DateTimeOffset Ticks(long ticks) => new(ticks, TimeSpan.Zero);

    private static StoredResource Current(DbDataReader reader, string type, string id) =>
        new(reader.GetInt64(0), type, id, reader.GetInt32(1), Ticks(reader.GetInt64(2)), reader.GetInt32(3) != 0,
            reader.IsDBNull(4) ? null : reader.GetString(4));
}
