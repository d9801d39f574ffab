using Telehealth.Fhir.Indexing;

namespace Telehealth.Fhir.Storage;

/// <summary>
/// Writes versions and their index rows inside a <see cref="RecordSession"/>. Version checks are made by the
/// database (an UPDATE that names the expected version), so they hold across several service instances.
/// </summary>
public static class ResourceWriter
{
    /// <summary>Inserts version 1 of a new resource. Returns null when the (type, id) already exists.</summary>
    public static async Task<StoredResource?> InsertAsync(RecordSession tx, string type, string id, DateTimeOffset now,
        string json, ResourceIndex index, CancellationToken ct) =>
        (await InsertManyAsync(tx, [(type, id, json, index)], now, ct))[0];

    /// <summary>
    /// Inserts version 1 of many new resources: one INSERT for their rows, then one command for every version row and
    /// index row. Returns, for each, the stored resource, or null when its (type, id) already existed.
    /// </summary>
    public static async Task<StoredResource?[]> InsertManyAsync(RecordSession tx, IReadOnlyList<(string Type, string Id, string Json, ResourceIndex Index)> items,
        DateTimeOffset now, CancellationToken ct)
    {
        var keys = new Dictionary<(string, string), long>();
        foreach (var chunk in items.Chunk(1000))
        {
            var p = new Sql.SqlParameters();
            var u = p.Add(now.UtcTicks);
            var rows = string.Join(", ", chunk.Select(i => $"({p.Add(i.Type)}, {p.Add(i.Id)}, 1, {u}, 0, {p.Add(PatientOf(i.Type, i.Index))})"));
            await using var cmd = tx.Command($"INSERT INTO resource (type, id, version, last_updated, deleted, patient) VALUES {rows} " +
                                             "ON CONFLICT (type, id) DO NOTHING RETURNING rkey, type, id", [.. p.Values]);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) keys[(reader.GetString(1), reader.GetString(2))] = reader.GetInt64(0);
        }
        var stored = new StoredResource?[items.Count];
        // PostgreSQL: one command for all. SQLite binds every parameter of a command to each of its statements, so a
        // command for a thousand resources (150,000 parameters, 9,000 statements) took 38 s; it is in-process, so
        // small commands cost no round trips.
        var perCommand = tx.Database.IsPostgres ? items.Count : 20;
        for (var first = 0; first < items.Count; first += perCommand)
        {
            await using var batch = new StatementBatch(tx);
            for (var n = first; n < Math.Min(items.Count, first + perCommand); n++)
            {
                var (type, id, json, index) = items[n];
                if (!keys.TryGetValue((type, id), out var key)) continue;
                AppendVersion(batch, key, type, id, 1, now, "POST", json);
                IndexWriter.AppendInsert(batch, key, type, index);
                stored[n] = new StoredResource(key, type, id, 1, now, false, json);
            }
            await batch.ExecuteAsync(ct);
        }
        return stored;
    }

    /// <summary>
    /// Replaces the current version. Returns null when another writer changed it since <paramref name="current"/> was read.
    /// </summary>
    public static async Task<StoredResource?> UpdateAsync(RecordSession tx, StoredResource current, DateTimeOffset now,
        string json, ResourceIndex index, CancellationToken ct)
    {
        var version = current.Version + 1;
        if (!await BumpAsync(tx, current, version, now, PatientOf(current.Type, index), deleted: false, ct)) return null;
        await WriteVersionAsync(tx, current.Key, current.Type, current.Id, version, now, "PUT", json, index, ct);
        return current with { Version = version, LastUpdated = now, Deleted = false, Json = json };
    }

    /// <summary>Marks the resource deleted as a new version; its index rows go so searches stop finding it.</summary>
    public static async Task<StoredResource?> DeleteAsync(RecordSession tx, StoredResource current, DateTimeOffset now, CancellationToken ct)
    {
        var version = current.Version + 1;
        if (!await BumpAsync(tx, current, version, now, null, deleted: true, ct)) return null;
        await WriteVersionAsync(tx, current.Key, current.Type, current.Id, version, now, "DELETE", null, null, ct);
        return current with { Version = version, LastUpdated = now, Deleted = true, Json = null };
    }

    private static async Task<bool> BumpAsync(RecordSession tx, StoredResource current, int version, DateTimeOffset now, string? patient,
        bool deleted, CancellationToken ct)
    {
        await using var cmd = tx.Command(
            "UPDATE resource SET version = @v, last_updated = @u, deleted = @d, patient = @p WHERE rkey = @k AND version = @expected",
            ("@v", version), ("@u", now.UtcTicks), ("@d", deleted ? 1 : 0), ("@p", patient), ("@k", current.Key), ("@expected", current.Version));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>What <c>resource.patient</c> holds: the one patient a resource names; null for a Patient, which is its own.</summary>
    internal static string? PatientOf(string type, ResourceIndex index) => type == "Patient" ? null : index.SolePatient();

    /// <summary>Sets <c>resource.patient</c> again, for a reindex.</summary>
    internal static void AppendPatient(StatementBatch batch, long key, string type, ResourceIndex index) =>
        batch.Statement().Append($"UPDATE resource SET patient = {batch.Add(PatientOf(type, index))} WHERE rkey = {batch.Add(key)}");

    private static void AppendVersion(StatementBatch batch, long key, string type, string id, int version, DateTimeOffset now, string method, string? json) =>
        batch.Statement().Append("INSERT INTO resource_version (rkey, type, id, version, last_updated, method, json) VALUES (")
            .Append(string.Join(", ", new object?[] { key, type, id, version, now.UtcTicks, method, json }.Select(batch.Add))).Append(')');

    /// <summary>The version row, the removal of the previous index rows and the new ones: one round trip.</summary>
    private static async Task WriteVersionAsync(RecordSession tx, long key, string type, string id, int version,
        DateTimeOffset now, string method, string? json, ResourceIndex? index, CancellationToken ct)
    {
        await using var batch = new StatementBatch(tx);
        AppendVersion(batch, key, type, id, version, now, method, json);
        IndexWriter.AppendDelete(batch, key);
        if (index is not null) IndexWriter.AppendInsert(batch, key, type, index);
        await batch.ExecuteAsync(ct);
    }
}
