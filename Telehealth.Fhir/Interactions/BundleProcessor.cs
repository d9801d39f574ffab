using Hl7.Fhir.Model;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>
/// Batch: each entry on its own, failures reported per entry. Transaction: every entry in one database
/// transaction, in the order the spec gives (DELETE, POST, PUT/PATCH, GET); one failure refuses the whole bundle.
/// </summary>
public sealed class BundleProcessor(RecordDatabase database, ResourceOperations ops, EntryExecutor executor, Access.AuditTrail audit, TimeProvider clock)
{
    public const int MaxEntries = 10_000;

    public async Task<string> TransactionAsync(Bundle bundle, string baseUrl, string? prefer, CancellationToken ct)
    {
        CheckSize(bundle);
        var entries = new List<BundleEntryRequest>(bundle.Entry.Count);
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            try { entries.Add(BundleEntryRequest.From(i, bundle.Entry[i])); }
            catch (FhirException e) { throw Refused(i, null, e); }
        }
        CheckFullUrls(entries);

        await using var session = await database.BeginAsync(ct);
        session.PendingAudit = [];
        await LockDecisionsAsync(session, entries, ct);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            try { await ReferenceResolver.AssignIdAsync(session, ops, entry, ids, ct); }
            catch (FhirException e) { throw Refused(entry.Index, entry, e); }
        }
        foreach (var entry in entries)
        {
            try { ReferenceResolver.Rewrite(entry.Resource, ids); }
            catch (FhirException e) { throw Refused(entry.Index, entry, e); }
        }

        var results = new BundleEntryResult[entries.Count];
        await CreateNewTogetherAsync(session, entries, results, baseUrl, ct);
        foreach (var entry in ProcessingOrder(entries))
        {
            if (results[entry.Index] is not null) continue;
            try { results[entry.Index] = await executor.ExecuteAsync(session, entry, baseUrl, ct); }
            catch (FhirException e) { throw Refused(entry.Index, entry, e); }
        }
        if (session.Guard is { } guard) await audit.RecordTransactionAsync(session, guard.Caller, session.PendingAudit, ct);
        await session.CommitAsync(ct);
        return Write("transaction-response", baseUrl, results, prefer);
    }

    public async Task<string> BatchAsync(Bundle bundle, string baseUrl, string? prefer, CancellationToken ct)
    {
        CheckSize(bundle);
        var results = new BundleEntryResult[bundle.Entry.Count];
        var entries = new List<BundleEntryRequest>(bundle.Entry.Count);
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            // A batch's entries stand alone: one that cannot be understood fails by itself.
            try { entries.Add(BundleEntryRequest.From(i, bundle.Entry[i])); }
            catch (FhirException e) { results[i] = BundleEntryResult.Failed(e); }
        }
        CheckFullUrls(entries);
        foreach (var entry in ProcessingOrder(entries))
        {
            try
            {
                await using var session = await database.BeginAsync(ct);
                var ids = new Dictionary<string, string>(StringComparer.Ordinal);
                await ReferenceResolver.AssignIdAsync(session, ops, entry, ids, ct);
                ReferenceResolver.Rewrite(entry.Resource, ids);
                results[entry.Index] = await executor.ExecuteAsync(session, entry, baseUrl, ct);
                await session.CommitAsync(ct);
            }
            catch (FhirException e)
            {
                results[entry.Index] = BundleEntryResult.Failed(e);
            }
        }
        return Write("batch-response", baseUrl, results, prefer);
    }

    /// <summary>
    /// The transaction's new resources (POSTs, and PUTs of ids not stored yet) written together in a few round trips
    /// rather than a few each, when nothing in the bundle deletes or patches and each is the only entry for its id, so
    /// the outcome is the one the entry-by-entry order gives. Anything else is left to the entry-by-entry pass.
    /// </summary>
    private async Task CreateNewTogetherAsync(RecordSession session, List<BundleEntryRequest> entries, BundleEntryResult[] results,
        string baseUrl, CancellationToken ct)
    {
        if (entries.Any(e => e.Method is "DELETE" or "PATCH")) return;
        var candidates = entries
            .Where(e => e.Resource is not null && e.AssignedId is not null && e.IfMatch is null && e.ExistingKey is null &&
                        (e.Method == "POST" || (e.Method == "PUT" && e.Id is not null)))
            .GroupBy(e => (e.Type, e.AssignedId)).Where(g => g.Count() == 1).Select(g => g.Single()).ToList();
        if (candidates.Count < 2) return;
        var existing = await ResourceReader.ExistingAsync(session, candidates.Where(e => e.Method == "PUT").Select(e => (e.Type, e.AssignedId!)).ToList(), ct);
        candidates = candidates.Where(e => !existing.Contains((e.Type, e.AssignedId!))).ToList();
        foreach (var entry in candidates)
        {
            try
            {
                if (entry.Method == "PUT") ResourceOperations.CheckBody(entry.Resource!, entry.Type, entry.Id);
                else entry.Resource!.Id = entry.AssignedId;
            }
            catch (FhirException e) { throw Refused(entry.Index, entry, e); }
        }
        var stored = await ops.CreateManyAsync(session, candidates.Select(e => e.Resource!).ToList(),
            (n, e) => Refused(candidates[n].Index, candidates[n], e), ct);
        for (var n = 0; n < stored.Length; n++)
            if (stored[n] is { } s)
                results[candidates[n].Index] = EntryExecutor.Ok("201 Created", s, baseUrl);
    }

    /// <summary>
    /// Takes the locks of all the transaction's conditional creates and updates at once, in the one order every
    /// transaction takes them in: taken entry by entry, two bundles with the same two criteria in opposite orders would
    /// deadlock.
    /// </summary>
    private async Task LockDecisionsAsync(RecordSession session, List<BundleEntryRequest> entries, CancellationToken ct)
    {
        var keys = new List<string>();
        foreach (var entry in entries)
        {
            if (entry.DecidingCriteria is not { } criteria) continue;
            try { keys.AddRange(ops.DecisionKeysOf(entry.Type, criteria)); }
            catch (FhirException e) { throw Refused(entry.Index, entry, e); }
        }
        await session.LockAsync(keys, ct);
    }

    private static FhirException Refused(int index, BundleEntryRequest? entry, FhirException e)
    {
        var request = entry is null ? "" : $" ({entry.Method} {entry.Url})";
        return e.Within($"The transaction was refused and nothing was stored: Bundle.entry[{index}]{request} failed: {e.Message}",
            $"Bundle.entry[{index}]");
    }

    private static void CheckSize(Bundle bundle)
    {
        if (bundle.Entry.Count > MaxEntries)
            throw FhirException.BadRequest($"A bundle may hold at most {MaxEntries} entries; this one has {bundle.Entry.Count}.");
    }

    private static void CheckFullUrls(List<BundleEntryRequest> entries)
    {
        var duplicate = entries.Where(e => e.FullUrl is not null).GroupBy(e => e.FullUrl).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw FhirException.BadRequest($"fullUrl '{duplicate.Key}' appears in more than one entry (Bundle.entry[{string.Join("], Bundle.entry[", duplicate.Select(e => e.Index))}]).");
    }

    private static List<BundleEntryRequest> ProcessingOrder(List<BundleEntryRequest> entries) =>
        entries.OrderBy(e => e.Method switch { "DELETE" => 0, "POST" => 1, "PUT" or "PATCH" => 2, _ => 3 })
            .ThenBy(e => e.Index).ToList();

    private string Write(string type, string baseUrl, BundleEntryResult[] results, string? prefer)
    {
        using var writer = new BundleJsonWriter(type, clock.GetUtcNow(), null, []);
        foreach (var r in results)
        {
            if (r.Json is not null) writer.ResponseEntryWithJson(r.Status, r.Json);
            else writer.ResponseEntry(r.Status, r.Resource is null ? null : $"{baseUrl}/{r.Resource.Type}/{r.Resource.Id}",
                r.Resource, r.Location, r.OutcomeJson, prefer != "minimal");
        }
        return writer.Finish();
    }
}
