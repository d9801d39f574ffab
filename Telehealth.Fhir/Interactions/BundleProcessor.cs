using Hl7.Fhir.Model;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Search;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>
/// Batch: each entry on its own, failures reported per entry. Transaction: every entry in one database
/// transaction, in the order the spec gives (DELETE, POST, PUT/PATCH, GET); one failure refuses the whole bundle.
/// </summary>
public sealed class BundleProcessor(RecordDatabase database, ResourceOperations ops, EntryExecutor executor, TimeProvider clock)
{
    public const int MaxEntries = 10_000;

    public async Task<string> TransactionAsync(Bundle bundle, string baseUrl, string? prefer, CancellationToken ct)
    {
        var entries = Entries(bundle);
        await using var session = await database.BeginAsync(ct);
        var ids = await ReferenceResolver.AssignIdsAsync(session, ops, entries, ct);
        foreach (var entry in entries) ReferenceResolver.Rewrite(entry.Resource, ids);

        var results = new BundleEntryResult[entries.Count];
        foreach (var index in ProcessingOrder(entries))
        {
            try
            {
                results[index] = await executor.ExecuteAsync(session, entries[index], ids, baseUrl, ct);
            }
            catch (FhirException e)
            {
                throw new FhirException(e.Status, e.Code,
                    $"The transaction was refused and nothing was stored: entry {index} ({entries[index].Method} {entries[index].Url}) failed: {e.Message}",
                    e.Details);
            }
        }
        await session.CommitAsync(ct);
        return Write("transaction-response", baseUrl, results, prefer);
    }

    public async Task<string> BatchAsync(Bundle bundle, string baseUrl, string? prefer, CancellationToken ct)
    {
        var entries = Entries(bundle);
        var results = new BundleEntryResult[entries.Count];
        foreach (var index in ProcessingOrder(entries))
        {
            try
            {
                await using var session = await database.BeginAsync(ct);
                var ids = await ReferenceResolver.AssignIdsAsync(session, ops, [entries[index]], ct);
                ReferenceResolver.Rewrite(entries[index].Resource, ids);
                results[index] = await executor.ExecuteAsync(session, entries[index], ids, baseUrl, ct);
                await session.CommitAsync(ct);
            }
            catch (FhirException e)
            {
                results[index] = BundleEntryResult.Failed(e);
            }
        }
        return Write("batch-response", baseUrl, results, prefer);
    }

    private static List<BundleEntryRequest> Entries(Bundle bundle)
    {
        if (bundle.Entry.Count > MaxEntries)
            throw FhirException.BadRequest($"A bundle may hold at most {MaxEntries} entries; this one has {bundle.Entry.Count}.");
        var list = new List<BundleEntryRequest>(bundle.Entry.Count);
        for (var i = 0; i < bundle.Entry.Count; i++)
            list.Add(BundleEntryRequest.From(i, bundle.Entry[i]));
        var duplicate = list.Where(e => e.FullUrl is not null).GroupBy(e => e.FullUrl).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw FhirException.BadRequest($"fullUrl '{duplicate.Key}' appears in more than one entry.");
        return list;
    }

    private static IEnumerable<int> ProcessingOrder(List<BundleEntryRequest> entries) =>
        entries.OrderBy(e => e.Method switch { "DELETE" => 0, "POST" => 1, "PUT" or "PATCH" => 2, _ => 3 })
            .ThenBy(e => e.Index).Select(e => e.Index).ToList();

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
