using Hl7.Fhir.Model;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Interactions;

public static class BundleEndpoints
{
    public static void MapBundles(this RouteGroupBuilder fhir)
    {
        fhir.MapPost("/", async (HttpRequest request, BundleProcessor processor, CancellationToken ct) =>
        {
            var resource = await FhirJson.ReadBodyAsync(request, ct);
            if (resource is not Bundle bundle)
                throw FhirException.BadRequest($"POST /fhir takes a Bundle of type batch or transaction, not a {resource.TypeName}.");
            var json = bundle.Type switch
            {
                Bundle.BundleType.Transaction => await processor.TransactionAsync(bundle, FhirResults.BaseUrl(request), WriteEndpoints.Prefer(request), ct),
                Bundle.BundleType.Batch => await processor.BatchAsync(bundle, FhirResults.BaseUrl(request), WriteEndpoints.Prefer(request), ct),
                _ => throw FhirException.BadRequest($"A Bundle posted to /fhir must be of type batch or transaction, not {bundle.Type?.ToString() ?? "(none)"}."),
            };
            return FhirResults.Json(json);
        });
    }
}
