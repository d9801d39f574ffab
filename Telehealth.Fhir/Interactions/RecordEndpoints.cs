using Telehealth.Fhir.Access;

namespace Telehealth.Fhir.Interactions;

/// <summary>The FHIR REST API under <c>/fhir</c>, one group per kind of interaction.</summary>
public static class RecordEndpoints
{
    public static IEndpointRouteBuilder MapRecordService(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir");
        fhir.MapCapabilities();
        fhir.MapSmartConfiguration();
        fhir.MapBundles();
        fhir.MapHistory();
        fhir.MapSearch();
        fhir.MapReads();
        fhir.MapWrites();
        fhir.MapPatch();
        fhir.MapEverything();
        return app;
    }
}
