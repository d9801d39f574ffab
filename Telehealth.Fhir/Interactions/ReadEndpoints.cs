using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

public static class ReadEndpoints
{
    public static void MapReads(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/{type}/{id}", async (string type, string id, ResourceReader reader, SearchParameterRegistry registry, CancellationToken ct) =>
        {
            KnownType(registry, type);
            var stored = await reader.ReadAsync(type, id, ct) ?? throw FhirException.NotFound($"{type}/{id} does not exist.");
            if (stored.Deleted) throw FhirException.Gone($"{type}/{id} was deleted (version {stored.Version}).");
            return FhirResults.Resource(stored);
        });

        fhir.MapGet("/{type}/{id}/_history/{version}", async (string type, string id, string version, ResourceReader reader,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            KnownType(registry, type);
            if (!int.TryParse(version, out var v) || v < 1)
                throw FhirException.BadRequest($"'{version}' is not a version number.");
            var stored = await reader.ReadVersionAsync(type, id, v, ct)
                         ?? throw FhirException.NotFound($"{type}/{id} has no version {version}.");
            if (stored.Deleted) throw FhirException.Gone($"Version {version} of {type}/{id} records its deletion.");
            return FhirResults.Resource(stored);
        });
    }

    public static void KnownType(SearchParameterRegistry registry, string type)
    {
        if (!registry.IsKnownType(type))
            throw FhirException.NotFound($"'{type}' is not a FHIR R4 resource type this server stores.");
    }
}
