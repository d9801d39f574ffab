using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Patch;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

public static class PatchEndpoints
{
    public static void MapPatch(this RouteGroupBuilder fhir)
    {
        fhir.MapPatch("/{type}/{id}", async (string type, string id, HttpRequest request, RecordDatabase db, PatchService patches,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            using var body = new StreamReader(request.Body);
            var text = await body.ReadToEndAsync(ct);
            await using var session = await db.BeginAsync(ct);
            var result = await patches.PatchAsync(session, type, id, request.ContentType ?? "", text, request.Headers.IfMatch.FirstOrDefault(), ct);
            await session.CommitAsync(ct);
            return FhirResults.Resource(result.Resource, 200, null, WriteEndpoints.Prefer(request));
        });
    }
}
