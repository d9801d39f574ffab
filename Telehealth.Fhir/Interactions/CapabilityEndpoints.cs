using Hl7.Fhir.Model;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Interactions;

/// <summary><c>GET /metadata</c>: what this server implements, built from the same registry the search uses.</summary>
public static class CapabilityEndpoints
{
    public static void MapCapabilities(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/metadata", (HttpRequest request, CapabilityStatementBuilder builder) =>
            FhirResults.Json(builder.Json(FhirResults.BaseUrl(request)))).AllowAnonymous();
    }
}

public sealed class CapabilityStatementBuilder(SearchParameterRegistry registry, TimeProvider clock)
{
    private readonly Lazy<CapabilityStatement> template = new(() => Build(registry, clock));

    public string Json(string baseUrl)
    {
        var statement = (CapabilityStatement)template.Value.DeepCopy();
        statement.Implementation!.Url = baseUrl;
        return FhirJson.Serialize(statement);
    }

    private static CapabilityStatement Build(SearchParameterRegistry registry, TimeProvider clock)
    {
        var interactions = new[]
        {
            CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Vread,
            CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Patch,
            CapabilityStatement.TypeRestfulInteraction.Delete, CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
            CapabilityStatement.TypeRestfulInteraction.HistoryType, CapabilityStatement.TypeRestfulInteraction.Create,
            CapabilityStatement.TypeRestfulInteraction.SearchType,
        };
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = "Hồ sơ FHIR R4 của nền tảng khám chữa bệnh từ xa / FHIR R4 record service of the telehealth platform. " +
                            "Strings match case- and accent-insensitively (\"nguyen\" finds \"Nguyễn\", \"d\" matches \"đ\"); :exact stays exact. " +
                            "Paging is by keyset links (_cursor); _total=accurate counts. Location.near is not supported.",
            Security = new CapabilityStatement.SecurityComponent
            {
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                Description = "Every interaction except this statement and .well-known/smart-configuration needs a bearer token from the " +
                              "platform's identity service (see .well-known/smart-configuration). SMART v2 scopes (patient/, user/, system/; " +
                              "c r u d s) decide the interaction; the caller's role and facility decide which patients' records it reaches. " +
                              "Reads and changes of patient data are recorded as AuditEvents.",
            },
            Interaction =
            [
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Transaction },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Batch },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem },
            ],
        };
        foreach (var type in registry.ResourceTypes.Order())
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Versioning = CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
                ReadHistory = true,
                UpdateCreate = true,
                ConditionalCreate = true,
                ConditionalUpdate = true,
                ConditionalRead = CapabilityStatement.ConditionalReadStatus.NotSupported,
                ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.Multiple,
                Interaction = interactions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i }).ToList(),
                SearchInclude = registry.For(type).Where(p => p.Type == SearchParamType.Reference).Select(p => $"{type}:{p.Name}").Order().ToList(),
                SearchParam = registry.For(type).OrderBy(p => p.Name).Select(p => new CapabilityStatement.SearchParamComponent
                {
                    Name = p.Name,
                    Type = p.Type,
                    Definition = p.Url,
                }).ToList(),
            };
            if (type == "Patient")
                resource.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "everything",
                    Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                });
            rest.Resource.Add(resource);
        }
        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = clock.GetUtcNow().ToString("yyyy-MM-dd"),
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "Telehealth record service", Version = "0.1" },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "Telehealth FHIR R4 record service" },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "json"],
            PatchFormat = ["application/json-patch+json", "application/fhir+json"],
            Rest = [rest],
        };
    }
}
