using System.Diagnostics;
using System.Reflection;

namespace Telehealth.Fhir.Storage;

/// <summary>
/// Applies the numbered SQL scripts under Storage/Migrations/{provider} that an existing database lacks,
/// all in one transaction (a database is never left between two scripts). Several instances starting at once on PostgreSQL take turns on an advisory lock.
/// Plain SQL scripts rather than EF Core migrations: the record service's schema is a handful of tables queried
/// with hand-built SQL, and one script per store is easier to review than two generated model snapshots.
/// </summary>
public sealed class SchemaMigrator(RecordDatabase database, ILogger<SchemaMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var tx = await database.BeginAsync(ct);
        await tx.LockAsync("schema-migrations", ct);
        await using (var create = tx.Command(
            "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
            await create.ExecuteNonQueryAsync(ct);
        var applied = new HashSet<int>();
        await using (var read = tx.Command("SELECT version FROM schema_migration"))
        await using (var reader = await read.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));

        foreach (var (version, name, sql) in Scripts())
        {
            if (applied.Contains(version)) continue;
            logger.LogInformation("Applying record-store migration {Version} {Name}", version, name);
            var started = Stopwatch.GetTimestamp();
            await using (var apply = tx.Command(sql))
            {
                // No time limit: a script that rewrites an index table takes minutes on a large database, and the
                // service must not start on half a schema (the whole transaction would roll back on a timeout).
                apply.CommandTimeout = 0;
                await apply.ExecuteNonQueryAsync(ct);
            }
            logger.LogInformation("Applied record-store migration {Version} {Name} in {Elapsed}", version, name,
                Stopwatch.GetElapsedTime(started));
            await using var mark = tx.Command("INSERT INTO schema_migration (version, name, applied_at) VALUES (@v, @n, @t)",
                ("@v", version), ("@n", name), ("@t", DateTimeOffset.UtcNow.ToString("O")));
            await mark.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private IEnumerable<(int Version, string Name, string Sql)> Scripts()
    {
        var folder = database.IsPostgres ? ".postgres." : ".sqlite.";
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(folder) && n.EndsWith(".sql")).Order())
        {
            var file = resource[(resource.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..].TrimStart('_');
            var version = int.Parse(file[..file.IndexOf('_')]);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (version, file, reader.ReadToEnd());
        }
    }
}
