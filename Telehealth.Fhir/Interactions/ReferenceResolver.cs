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
    /// <summary>Decides one entry's id (finding a conditional entry's match) and records it under the entry's fullUrl.</summary>
    public static async Task AssignIdAsync(RecordSession session, ResourceOperations ops, BundleEntryRequest entry,
        Dictionary<string, string> ids, CancellationToken ct)
    {
        switch (entry.Method)
        {
            case "POST" when entry.DecidingCriteria is { } criteria:
                var matches = await ops.DecideAsync(session, entry.Type, criteria, ct);
                if (matches.Count > 1)
                    throw FhirException.PreconditionFailed($"ifNoneExist '{criteria}' matches {matches.Count} {entry.Type} resources; make the criteria more selective.");
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
            case "PUT" when entry.DecidingCriteria is { } criteria:
                var found = await ops.DecideAsync(session, entry.Type, criteria, ct);
                if (found.Count > 1)
                    throw FhirException.PreconditionFailed($"'{entry.Url}' matches {found.Count} {entry.Type} resources; a conditional update needs at most one.");
                var bodyId = entry.Resource?.Id;
                if (found.Count == 1)
                {
                    var matchId = (await ResourceReader.LoadByKeysAsync(session, found, ct))[0].Id;
                    // As for a conditional update over REST: an id in the body must be the match's, or it would be lost.
                    if (bodyId is not null && bodyId != matchId)
                        throw FhirException.BadRequest($"The resource's id '{bodyId}' differs from {entry.Type}/{matchId}, which '{entry.Url}' matched.");
                    entry.AssignedId = matchId;
                }
                else entry.AssignedId = bodyId ?? Guid.NewGuid().ToString("N");
                break;
            case "PUT":
                entry.AssignedId = entry.Id;
                break;
        }
        if (entry.FullUrl is not null && entry.AssignedId is not null)
            ids[entry.FullUrl] = $"{entry.Type}/{entry.AssignedId}";
    }

    /// <summary>
    /// Points references at the ids decided for the bundle's entries. A urn:uuid or urn:oid reference that no entry
    /// answers is refused: stored as it is, it would point nowhere once the bundle is gone.
    /// </summary>
    public static void Rewrite(Resource? resource, IReadOnlyDictionary<string, string> ids)
    {
        if (resource is null) return;
        var root = resource.ToPocoNode(ModelInfo.ModelInspector);
        foreach (var node in new[] { root }.Descendants())
        {
            if (node.Poco is not ResourceReference { Reference: { } reference } r) continue;
            if (ids.TryGetValue(reference, out var local)) r.Reference = local;
            else if (reference.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase))
                throw FhirException.BadRequest($"The reference '{reference}' matches no entry's fullUrl in this bundle.");
        }
    }
}
