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
        // Everything that can be refused without the stored resource is refused before it is read and locked.
        var kind = KindOf(contentType);
        var parameters = kind == PatchKind.FhirPath
            ? FhirJson.Parse(body) as Parameters ?? throw FhirException.BadRequest("A FHIRPath Patch body is a Parameters resource of 'operation' parts.")
            : null;
        var expectedVersion = ifMatch is null ? (int?)null : ResourceOperations.ParseETag(ifMatch);

        session.Guard?.Require(type, 'u');
        var current = await ResourceReader.ReadForUpdateAsync(session, type, id, ct);
        if (current is null) throw FhirException.NotFound($"{type}/{id} does not exist.");
        // Refused before the patch is applied, so its errors never describe a record the caller may not see.
        if (session.Guard is { } guard) await guard.CheckWriteAsync(session, type, id, current, null, "patch", ct);
        if (current.Deleted || current.Json is null) throw FhirException.Gone($"{type}/{id} was deleted.");
        if (expectedVersion is not null && expectedVersion != current.Version)
            throw FhirException.PreconditionFailed($"{type}/{id} is at version {current.Version}, not {ifMatch}; read it again and reapply your patch.");

        var patched = parameters is null
            ? Reparse(JsonPatch.Apply(current.Json, body))
            : Reparse(FhirJson.Serialize(FhirPathPatch.Apply(FhirJson.ParseStored(current.Json), parameters)));
        if (patched.TypeName != type || patched.Id != id)
            throw FhirException.Unprocessable("A patch may not change the resource's type or id.");
        return await ops.ReplaceAsync(session, current, patched, ifMatch is not null, ct);
    }

    private enum PatchKind { Json, FhirPath }

    private static PatchKind KindOf(string contentType)
    {
        if (contentType.StartsWith(JsonPatchMediaType, StringComparison.OrdinalIgnoreCase)) return PatchKind.Json;
        if (contentType.StartsWith(FhirJson.MediaType, StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)) return PatchKind.FhirPath;
        throw new FhirException(415, OperationOutcome.IssueType.NotSupported,
            $"PATCH takes {JsonPatchMediaType} (JSON Patch) or {FhirJson.MediaType} (FHIRPath Patch Parameters), not '{contentType}'.");
    }

    /// <summary>A well-formed patch that leaves an invalid resource is unprocessable (422), and says which element broke.</summary>
    private static Resource Reparse(string json)
    {
        try
        {
            return FhirJson.Parse(json);
        }
        catch (FhirException e)
        {
            throw FhirException.Unprocessable($"The patched resource would not be valid FHIR: {e.Message}", e.Details);
        }
    }
}
