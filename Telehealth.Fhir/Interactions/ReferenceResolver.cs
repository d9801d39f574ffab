using Hl7.Fhir.Model;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>
/// Gives every created entry its id before any entry runs, then points references at those ids, so
/// "urn:uuid:..." references between entries of one bundle become ordinary "Type/id" references.
/// </summary>
public static class ReferenceResolver
{
    public static async Task<Dictionary<string, string>> AssignIdsAsync(RecordSession session, ResourceOperations ops,
        IReadOnlyList<BundleEntryRequest> entries, CancellationToken ct)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            switch (entry.Method)
            {
                case "POST" when entry.IfNoneExist is { Length: > 0 } criteria:
                    await session.LockAsync($"create:{entry.Type}?{criteria}", ct);
                    var matches = await ops.MatchAsync(session, entry.Type, criteria, ct);
                    if (matches.Count > 1)
                        throw FhirException.PreconditionFailed($"Entry {entry.Index}: ifNoneExist '{criteria}' matches {matches.Count} resources.");
                    if (matches.Count == 1)
                    {
                        entry.ExistingKey = matches[0];
                        entry.AssignedId = (await ResourceReader.LoadByKeysAsync(session, matches, ct))[0].Id;
                    }
                    else entry.AssignedId = Guid.NewGuid().ToString("N");
                    break;
                case "POST":
                    entry.AssignedId = Guid.NewGuid().ToString("N");
                    break;
                case "PUT" when entry.Id is null && entry.Query is { Length: > 0 } criteria:
                    await session.LockAsync($"update:{entry.Type}?{criteria}", ct);
                    var found = await ops.MatchAsync(session, entry.Type, criteria, ct);
                    if (found.Count > 1)
                        throw FhirException.PreconditionFailed($"Entry {entry.Index}: '{entry.Url}' matches {found.Count} resources.");
                    entry.AssignedId = found.Count == 1
                        ? (await ResourceReader.LoadByKeysAsync(session, found, ct))[0].Id
                        : entry.Resource?.Id ?? Guid.NewGuid().ToString("N");
                    break;
                case "PUT":
                    entry.AssignedId = entry.Id;
                    break;
            }
            if (entry.FullUrl is not null && entry.AssignedId is not null)
                ids[entry.FullUrl] = $"{entry.Type}/{entry.AssignedId}";
        }
        return ids;
    }

    public static void Rewrite(Resource? resource, IReadOnlyDictionary<string, string> ids)
    {
        if (resource is null || ids.Count == 0) return;
        var root = resource.ToPocoNode(ModelInfo.ModelInspector);
        foreach (var node in new[] { root }.Descendants())
        {
            if (node.Poco is ResourceReference { Reference: { } reference } r && ids.TryGetValue(reference, out var local))
                r.Reference = local;
        }
    }
}
