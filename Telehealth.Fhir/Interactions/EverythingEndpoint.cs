using Telehealth.Fhir.Access;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Search;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Interactions;

/// <summary>
/// <c>Patient/{id}/$everything</c>: the patient, every resource that refers to them, and what those refer to
/// (practitioners, organizations, encounters), as one searchset. <c>_type</c> limits the types returned.
/// </summary>
public static class EverythingEndpoint
{
    public const int MaxResources = 5000;

    public static void MapEverything(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Patient/{id}/$everything", async (string id, HttpRequest request, RecordDatabase db, AuditTrail audit, TimeProvider clock,
            CancellationToken ct) =>
        {
            var types = request.Query["_type"].SelectMany(t => (t ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
            await using var session = await db.ReadAsync(ct);
            session.Guard?.Require("Patient", 'r');
            var patient = await PatientCompartment.FindPatientAsync(session, id, ct) ?? throw FhirException.NotFound($"Patient/{id} does not exist.");
            if (session.Guard is { } guard) await guard.CheckReadAsync(session, patient, "operation", ct);
            var compartment = await IncludeSql.ReferringAsync(session, "Patient", id, null, ct);
            var referenced = await IncludeSql.IncludeAsync(session, new IncludeSpec("*", null, null, false), [patient.Key, .. compartment], ct);
            var outside = referenced.Except(compartment).ToList();
            var othersData = await PatientCompartment.OtherPatientsAsync(session, id, outside, ct);
            var keys = new List<long> { patient.Key };
            keys.AddRange(compartment.Concat(outside.Where(k => !othersData.Contains(k))).Where(k => k != patient.Key).Distinct().Take(MaxResources));
            // The audit trail about the patient is not part of their record (nor are AuditEvents it refers to).
            IReadOnlyList<StoredResource> resources = (await ResourceReader.LoadByKeysAsync(session, keys, ct))
                .Where(r => r.Type != "AuditEvent" && (types.Count == 0 || types.Contains(r.Type))).ToList();
            if (session.Guard is { } g)
            {
                resources = await g.ReadableAsync(session, resources, ct);
                await audit.RecordReadAsync(g.Caller, "operation", resources, $"Patient/{id}/$everything", ct);
            }

            var baseUrl = FhirResults.BaseUrl(request);
            using var writer = new BundleJsonWriter("searchset", clock.GetUtcNow(), resources.Count,
                [("self", $"{baseUrl}/Patient/{id}/$everything{request.QueryString}")]);
            foreach (var r in resources) writer.SearchEntry(baseUrl, r, r.Key == patient.Key ? "match" : "include");
            return FhirResults.Json(writer.Finish());
        });
    }
}
