using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Access;

/// <summary>
/// Stores queued read and refusal events in batches: one transaction per batch, with the patients each event's
/// resources belong to found in one query. Drains the queue when the service stops.
/// </summary>
/// <remarks>
/// A batch is gathered for <see cref="GatherTime"/> unless a whole batch is already waiting. Written as soon as
/// anything was queued, a batch held the few reads made during the previous one's commit, and each of its events
/// cost its fixed part (its row, its version, 16 index rows, a commit) for those few: with reads in the thousands a
/// second, the read AuditEvents then cost PostgreSQL about as much as the reads themselves.
/// </remarks>
public sealed class AuditWriter(AuditTrail trail, RecordDatabase database, ILogger<AuditWriter> logger) : BackgroundService
{
    private const int BatchSize = 200;

    /// <summary>How long a read waits, at most, to be stored with the reads made after it.</summary>
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = trail.Pending;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                if (reader.Count < BatchSize) await Task.Delay(GatherTime, stoppingToken);
                await WriteBatchAsync(Take(reader), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below.
        }
        while (reader.TryPeek(out _)) await WriteBatchAsync(Take(reader), CancellationToken.None);
    }

    private static List<AuditRecord> Take(System.Threading.Channels.ChannelReader<AuditRecord> reader)
    {
        var batch = new List<AuditRecord>(BatchSize);
        while (batch.Count < BatchSize && reader.TryRead(out var record)) batch.Add(record);
        return batch;
    }

    private async Task WriteBatchAsync(List<AuditRecord> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        try
        {
            await using var session = await database.BeginAsync(ct);
            var patients = await PatientCompartment.PatientsOfAsync(session, [.. batch.SelectMany(r => r.Resources).Where(r => r.Type != "Patient").Select(r => r.Key)], ct);
            foreach (var record in Consolidate(batch))
            {
                var ids = record.Resources.SelectMany(r => r.Type == "Patient" ? [r.Id] : patients.GetValueOrDefault(r.Key, []))
                    .Concat(record.Patients).Distinct().ToList();
                await trail.StoreAsync(session, record with { Patients = ids }, ct);
            }
            await session.CommitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The audit trail must not silently thin out: say loudly what was lost.
            logger.LogError(e, "Could not store {Count} audit events ({First}…)", batch.Count, batch[0].Interaction);
        }
    }

    /// <summary>
    /// One caller's successful reads of one kind within the batch become one record (what they read, the queries, the
    /// period), or several when they read more than one AuditEvent names (<see cref="AuditTrail.MaxEntities"/>): every
    /// resource read is named in some event. Refusals stay one each, with their reasons.
    /// </summary>
    private static IEnumerable<AuditRecord> Consolidate(List<AuditRecord> batch)
    {
        foreach (var refusal in batch.Where(r => !r.Succeeded)) yield return refusal;
        foreach (var group in batch.Where(r => r.Succeeded)
                     .GroupBy(r => (r.Caller.Subject, r.Caller.ClientId, r.Caller.FhirUser, r.Caller.Address, r.Interaction)))
        {
            var records = group.ToList();
            var queries = records.Select(r => r.Query).OfType<string>().Distinct().ToList();
            var merged = records.Count == 1 ? records[0] : records[0] with
            {
                Patients = records.SelectMany(r => r.Patients).Distinct().ToList(),
                Query = queries.Count == 0 ? null : string.Join("\n", queries.Take(100)),
                Since = records.Min(r => r.When),
                When = records.Max(r => r.When),
            };
            var resources = records.SelectMany(r => r.Resources).DistinctBy(r => (r.Key, r.Version)).ToList();
            if (resources.Count == 0) yield return merged;
            foreach (var chunk in resources.Chunk(AuditTrail.MaxEntities))
                yield return merged with { Resources = chunk };
        }
    }
}
