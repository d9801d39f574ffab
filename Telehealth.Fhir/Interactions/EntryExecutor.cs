using Telehealth.Fhir.Access;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Patch;
using Telehealth.Fhir.Search;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>Runs one bundle entry inside the bundle's session.</summary>
public sealed class EntryExecutor(ResourceOperations ops, PatchService patches, SearchParser parser,
    SearchService search, AuditTrail audit, TimeProvider clock)
{
    public async Task<BundleEntryResult> ExecuteAsync(RecordSession session, BundleEntryRequest entry, string baseUrl, CancellationToken ct)
    {
        switch (entry.Method)
        {
            case "POST":
                if (entry.ExistingKey is { } key)
                    return Ok("200 OK", (await ResourceReader.LoadByKeysAsync(session, [key], ct))[0], baseUrl);
                entry.Resource!.Id = entry.AssignedId;
                var created = await ops.UpdateAsync(session, entry.Type, entry.AssignedId!, entry.Resource, null, ct);
                return Ok("201 Created", created.Resource, baseUrl);
            case "PUT":
                if (entry.Id is not null) ResourceOperations.CheckBody(entry.Resource!, entry.Type, entry.Id);
                else entry.Resource!.Id = entry.AssignedId;
                var updated = await ops.UpdateAsync(session, entry.Type, entry.AssignedId!, entry.Resource!, entry.IfMatch, ct);
                return Ok(updated.Created ? "201 Created" : "200 OK", updated.Resource, baseUrl);
            case "DELETE":
                if (entry.Id is not null) await ops.DeleteAsync(session, entry.Type, entry.Id, ct);
                else if (entry.Query is { Length: > 0 } criteria) await ops.ConditionalDeleteAsync(session, entry.Type, criteria, false, ct);
                else throw FhirException.BadRequest($"DELETE {entry.Url} needs an id or search criteria.");
                return new BundleEntryResult("204 No Content", null, null, null, null);
            case "PATCH":
                return await PatchAsync(session, entry, baseUrl, ct);
            case "GET" or "HEAD":
                return await GetAsync(session, entry, baseUrl, ct);
            default:
                throw FhirException.BadRequest($"Method {entry.Method} is not supported in a bundle.");
        }
    }

    private async Task<BundleEntryResult> PatchAsync(RecordSession session, BundleEntryRequest entry, string baseUrl, CancellationToken ct)
    {
        if (entry.Id is null) throw FhirException.BadRequest($"PATCH {entry.Url} needs an id.");
        var (contentType, body) = entry.Resource switch
        {
            Hl7.Fhir.Model.Binary { Data: { } data } binary => (binary.ContentType ?? PatchService.JsonPatchMediaType, System.Text.Encoding.UTF8.GetString(data)),
            Hl7.Fhir.Model.Parameters parameters => (FhirJson.MediaType, FhirJson.Serialize(parameters)),
            _ => throw FhirException.BadRequest("A PATCH entry carries a Binary (JSON Patch) or a Parameters (FHIRPath Patch) resource."),
        };
        var result = await patches.PatchAsync(session, entry.Type, entry.Id, contentType, body, entry.IfMatch, ct);
        return Ok("200 OK", result.Resource, baseUrl);
    }

    private async Task<BundleEntryResult> GetAsync(RecordSession session, BundleEntryRequest entry, string baseUrl, CancellationToken ct)
    {
        if (entry.Id is not null)
        {
            // Read through the bundle's session: a transaction's GETs run last and must see its own writes.
            int? version = null;
            if (entry.VersionId is not null)
                version = int.TryParse(entry.VersionId, out var v) && v >= 1
                    ? v : throw FhirException.BadRequest($"'{entry.VersionId}' in '{entry.Url}' is not a version number.");
            var stored = await ReadEndpoints.ReadCheckedAsync(session, audit, entry.Type, entry.Id, version, ct);
            return Ok("200 OK", stored, baseUrl, location: false);
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(entry.Query is null ? "" : "?" + entry.Query);
        var request = parser.Parse(entry.Type, query, strict: false);
        var outcome = await search.SearchAsync(session, request, ct);
        return new BundleEntryResult("200 OK", null, null, null, SearchEndpoints.WriteBundle(baseUrl, request, outcome, clock.GetUtcNow()));
    }

    internal static BundleEntryResult Ok(string status, StoredResource stored, string baseUrl, bool location = true) =>
        new(status, stored, location ? $"{baseUrl}/{stored.Type}/{stored.Id}/_history/{stored.Version}" : null, null, null);
}
