using System.Data.Common;

namespace Telehealth.Fhir.Storage;

/// <summary>Reads current and past versions by identity.</summary>
public sealed class ResourceReader(RecordDatabase database)
{
    private const string CurrentSql =
        "SELECT r.rkey, r.version, r.last_updated, r.deleted, v.json FROM resource r " +
        "JOIN resource_version v ON v.rkey = r.rkey AND v.version = r.version WHERE r.type = @t AND r.id = @id";

    public async Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = CurrentSql;
        RecordSession.AddParameter(cmd, "@t", type);
        RecordSession.AddParameter(cmd, "@id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Current(reader, type, id) : null;
    }

    /// <summary>Reads the current row inside a write, locking it on PostgreSQL until the transaction ends.</summary>
    public static async Task<StoredResource?> ReadForUpdateAsync(RecordSession tx, string type, string id, CancellationToken ct)
    {
        await using var cmd = tx.Command(CurrentSql + tx.Database.ForUpdate.Replace(" FOR UPDATE", " FOR UPDATE OF r"), ("@t", type), ("@id", id));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Current(reader, type, id) : null;
    }

    public async Task<StoredResource?> ReadVersionAsync(string type, string id, int version, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT rkey, version, last_updated, method, json FROM resource_version WHERE type = @t AND id = @id AND version = @v";
        RecordSession.AddParameter(cmd, "@t", type);
        RecordSession.AddParameter(cmd, "@id", id);
        RecordSession.AddParameter(cmd, "@v", version);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new StoredResource(reader.GetInt64(0), type, id, reader.GetInt32(1), Ticks(reader.GetInt64(2)),
            reader.GetString(3) == "DELETE", reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    /// <summary>Loads the current, not deleted, versions of many resources by key, in one query, in the keys' order.</summary>
    public static async Task<List<StoredResource>> LoadByKeysAsync(RecordSession session, IReadOnlyList<long> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return [];
        var p = new Sql.SqlParameters();
        var names = string.Join(',', keys.Select(k => p.Add(k)));
        var sql = "SELECT r.rkey, r.type, r.id, r.version, r.last_updated, v.json FROM resource r " +
                  "JOIN resource_version v ON v.rkey = r.rkey AND v.version = r.version " +
                  $"WHERE r.deleted = 0 AND r.rkey IN ({names})";
        var found = new Dictionary<long, StoredResource>(keys.Count);
        await using var cmd = session.Command(sql, [.. p.Values]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found[reader.GetInt64(0)] = new StoredResource(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                Ticks(reader.GetInt64(4)), false, reader.GetString(5));
        return keys.Where(found.ContainsKey).Select(k => found[k]).ToList();
    }

    internal static DateTimeOffset Ticks(long ticks) => new(ticks, TimeSpan.Zero);

    private static StoredResource Current(DbDataReader reader, string type, string id) =>
        new(reader.GetInt64(0), type, id, reader.GetInt32(1), Ticks(reader.GetInt64(2)), reader.GetInt32(3) != 0,
            reader.IsDBNull(4) ? null : reader.GetString(4));
}
