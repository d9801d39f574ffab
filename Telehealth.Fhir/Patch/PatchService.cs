using Hl7.Fhir.Model;
using Telehealth.Fhir.Interactions;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Patch;

/// <summary>Applies a patch to the current version and stores the result as a new version.</summary>
public sealed class PatchService(ResourceOperations ops)
{
    public const string JsonPatchMediaType = "application/json-patch+json";

    public async Task<WriteResult> PatchAsync(RecordSession session, string type, string id, string contentType, string body,
        string? ifMatch, CancellationToken ct)
    {
        var current = await ResourceReader.ReadForUpdateAsync(session, type, id, ct);
        if (current is null) throw FhirException.NotFound($"{type}/{id} does not exist.");
        if (current.Deleted || current.Json is null) throw FhirException.Gone($"{type}/{id} was deleted.");
        if (ifMatch is not null && ResourceOperations.ParseETag(ifMatch) != current.Version)
            throw FhirException.PreconditionFailed($"{type}/{id} is at version {current.Version}, not {ifMatch}.");

        Resource patched;
        if (contentType.StartsWith(JsonPatchMediaType, StringComparison.OrdinalIgnoreCase))
            patched = FhirJson.Parse(JsonPatch.Apply(current.Json, body));
        else if (contentType.StartsWith(FhirJson.MediaType, StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            if (FhirJson.Parse(body) is not Parameters parameters)
                throw FhirException.BadRequest("A FHIRPath Patch body is a Parameters resource of 'operation' parts.");
            patched = FhirPathPatch.Apply(FhirJson.ParseStored(current.Json), parameters);
        }
        else throw new FhirException(415, OperationOutcome.IssueType.NotSupported,
            $"PATCH takes {JsonPatchMediaType} (JSON Patch) or {FhirJson.MediaType} (FHIRPath Patch Parameters), not '{contentType}'.");

        if (patched.TypeName != type || patched.Id != id)
            throw FhirException.Unprocessable("A patch may not change the resource's type or id.");
        return await ops.ReplaceAsync(session, current, patched, ifMatch is not null, ct);
    }
}
