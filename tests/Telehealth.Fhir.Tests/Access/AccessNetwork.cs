using System.Runtime.CompilerServices;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>
/// Two commune stations (A, B) and two hospitals (H, K), written by a service token: patients a1, a2 at A and b1 at B,
/// each with an observation; an open consult from A's doctor to H about a1, a completed one about a2, and b1's consent
/// sharing their record with K.
/// </summary>
public static class AccessNetwork
{
    public static readonly string[] PatientsOfA = ["a1", "a2"];

    public static string DoctorA => TestTokens.Person("commune_doctor", "Practitioner/doc-a", "Organization/tyt-a");
    public static string DoctorB => TestTokens.Person("commune_doctor", "Practitioner/doc-b", "Organization/tyt-b");
    public static string SpecialistH => TestTokens.Person("specialist", "Practitioner/spec-h", "Organization/bv-h");
    public static string CoordinatorH => TestTokens.Person("coordinator", "Practitioner/coord-h", "Organization/bv-h");
    public static string SpecialistK => TestTokens.Person("specialist", "Practitioner/spec-k", "Organization/bv-k");
    public static string PatientA1 => TestTokens.Person("patient", "Patient/a1", null, "openid fhirUser patient/*.cruds");
    public static string AdminA => TestTokens.Person("facility_admin", "Practitioner/admin-a", "Organization/tyt-a");
    public static string PlatformAdmin => TestTokens.Person("platform_admin", "Practitioner/root", null);

    private static readonly ConditionalWeakTable<TestStore, Task> Seeded = [];

    /// <summary>Seeds the store's database once, however many test classes share it.</summary>
    public static Task SeedOnceAsync(TestStore store) => Seeded.GetValue(store, s => SeedAsync(s.Host.Client));

    public static async Task SeedAsync(HttpClient system)
    {
        foreach (var (id, name) in new[] { ("tyt-a", "Trạm Y tế xã A"), ("tyt-b", "Trạm Y tế xã B"), ("bv-h", "Bệnh viện H"), ("bv-k", "Bệnh viện K") })
            await system.PutAsync(new Organization { Id = id, Name = name });
        foreach (var (id, org) in new[] { ("doc-a", "tyt-a"), ("doc-b", "tyt-b"), ("spec-h", "bv-h"), ("coord-h", "bv-h"), ("spec-k", "bv-k"), ("admin-a", "tyt-a") })
        {
            await system.PutAsync(new Practitioner { Id = id, Name = [new HumanName { Family = "Nguyễn", Given = [id] }] });
            await system.PutAsync(new PractitionerRole { Id = "role-" + id, Practitioner = new ResourceReference("Practitioner/" + id), Organization = new ResourceReference("Organization/" + org) });
        }
        foreach (var (id, org) in new[] { ("a1", "tyt-a"), ("a2", "tyt-a"), ("b1", "tyt-b") })
        {
            await system.PutAsync(new Patient { Id = id, Name = [new HumanName { Family = "Trần", Given = [id] }], ManagingOrganization = new ResourceReference("Organization/" + org) });
            await system.PutAsync(Observation("obs-" + id, id));
        }
        await system.PutAsync(Consult("consult-a1", "a1", RequestStatus.Active));
        await system.PutAsync(Consult("consult-a2", "a2", RequestStatus.Completed));
        await system.PutAsync(new Consent
        {
            Id = "consent-b1",
            Status = Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference("Patient/b1"),
            Provision = new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Permit,
                Actor = [new Consent.provisionActorComponent
                {
                    Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP"),
                    Reference = new ResourceReference("Organization/bv-k"),
                }],
            },
        });
    }

    public static Observation Observation(string id, string patient) => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4", "Heart rate"),
        Subject = new ResourceReference("Patient/" + patient),
        Value = new Quantity(72, "/min"),
    };

    private static ServiceRequest Consult(string id, string patient, RequestStatus status) => new()
    {
        Id = id,
        Status = status,
        Intent = RequestIntent.Order,
        Category = [new CodeableConcept("http://snomed.info/sct", "11429006", "Consultation")],
        Subject = new ResourceReference("Patient/" + patient),
        Requester = new ResourceReference("PractitionerRole/role-doc-a"),
        Performer = [new ResourceReference("Organization/bv-h")],
    };
}
