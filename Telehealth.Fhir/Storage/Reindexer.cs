using System.Diagnostics;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Storage;

/// <summary>
/// Computes the search index of every stored resource again from its current version, for data written by an
/// earlier release whose indexer differs (for example before absolute references to other servers were told apart
/// from local ones). Runs beside the live service: each batch locks its resources' rows, so a write to one of them
/// waits for the batch and then replaces its index rows with its own, and nothing is indexed from a stale version.
/// Can be stopped and run again at any time; a run from the start leaves the same index.
/// </summary>
public sealed class Reindexer(RecordDatabase database, ResourceIndexer indexer, ILogger<Reindexer> logger)
{
    public const int DefaultBatchSize = 500;

    // SQLite binds every parameter of a command to each of its statements: a few resources to a command.
    private const int ResourcesPerCommand = 20;

    /// <summary>Reindexes current resources (of one type, or all) in key order, one transaction per batch.</summary>
    /// <returns>How many resources were reindexed.</returns>
    public async Task<long> ReindexAsync(string? type, int batchSize, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        long after = 0, done = 0;
        while (true)
        {
            await using var tx = await database.BeginAsync(ct);
            var keys = await LockBatchAsync(tx, type, after, batchSize, ct);
            if (keys.Count == 0) break;
            // Read after the lock, not joined into the locking statement: see ResourceReader.ReadForUpdateAsync.
            var resources = await ResourceReader.LoadByKeysAsync(tx, keys, ct);
            foreach (var chunk in resources.Chunk(ResourcesPerCommand))
            {
                await using var batch = new StatementBatch(tx);
                foreach (var resource in chunk)
                {
                    var index = indexer.Index(FhirJson.ParseStored(resource.Json!));
                    IndexWriter.AppendDelete(batch, resource.Key);
                    IndexWriter.AppendInsert(batch, resource.Key, resource.Type, index);
                    ResourceWriter.AppendPatient(batch, resource.Key, resource.Type, index);
                }
                await batch.ExecuteAsync(ct);
            }
            await tx.CommitAsync(ct);
            after = keys[^1];
            done += resources.Count;
            logger.LogInformation("Reindexed {Done} resources (keys up to {Key}) in {Elapsed}", done, after, Stopwatch.GetElapsedTime(started));
        }
        return done;
    }

    /// <summary>The next batch of current resources after <paramref name="after"/>, their rows locked until the batch commits.</summary>
    private static async Task<List<long>> LockBatchAsync(RecordSession tx, string? type, long after, int batchSize, CancellationToken ct)
    {
        var sql = "SELECT rkey FROM resource WHERE rkey > @after AND deleted = 0" + (type is null ? "" : " AND type = @t") +
                  " ORDER BY rkey LIMIT @n" + tx.Database.ForUpdate;
        (string, object?)[] parameters = type is null ? [("@after", after), ("@n", batchSize)] : [("@after", after), ("@t", type), ("@n", batchSize)];
        await using var cmd = tx.Command(sql, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var keys = new List<long>(batchSize);
        while (await reader.ReadAsync(ct)) keys.Add(reader.GetInt64(0));
        return keys;
    }
}
