using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>
/// Whom a hospital's specialist and coordinator see: patients of consults addressed to the hospital, to one of its
/// PractitionerRoles or HealthcareServices, or to the specialist in person, while open and, by default, for 30 days
/// after they close; and patients whose active consent shares their record with the hospital. Searches and counts check
/// each match against the rule (PatientAccessSql.AllowedPatient), reads by id the one resource; both must agree. The
/// expected patients are worked out from what the test writes.
/// </summary>
public abstract class SpecialistReachTests<TStore>(TStore store, bool closedConsultsSeen) : IClassFixture<TStore> where TStore : TestStore
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..10];

    private string Id(string name) => $"{name}-{suffix}";

    private HttpClient As(string role, string practitioner) =>
        store.Host.ClientWith(TestTokens.Person(role, $"Practitioner/{Id(practitioner)}", $"Organization/{Id("bv-h")}"));

    /// <summary>Writes the network; returns each patient's name with whether the specialist (and the coordinator) see them.</summary>
    private async Task<List<(string Patient, bool Specialist, bool Coordinator)>> SeedAsync()
    {
        var system = store.Host.Client;
        foreach (var org in new[] { "bv-h", "bv-k" }) await system.PutAsync(new Organization { Id = Id(org), Name = "Bệnh viện " + org });
        await system.PutAsync(new PractitionerRole
        {
            Id = Id("role"), Practitioner = new ResourceReference($"Practitioner/{Id("spec")}"), Organization = new ResourceReference($"Organization/{Id("bv-h")}"),
        });
        await system.PutAsync(new HealthcareService { Id = Id("svc"), ProvidedBy = new ResourceReference($"Organization/{Id("bv-h")}"), Name = "Tim mạch" });

        var expected = new List<(string, bool, bool)>();
        async Task PatientAsync(string name, bool specialist, bool coordinator)
        {
            await system.PutAsync(new Patient { Id = Id(name), Identifier = [new Identifier($"urn:reach:{suffix}", "member")] });
            await system.PutAsync(new Observation
            {
                Id = Id("obs-" + name), Status = ObservationStatus.Final, Code = new CodeableConcept($"urn:reach:{suffix}", "hr"),
                Subject = new ResourceReference($"Patient/{Id(name)}"),
            });
            expected.Add((name, specialist, coordinator));
        }
        async Task ConsultAsync(string patient, string performer, RequestStatus status) => await system.CreateAsync(new ServiceRequest
        {
            Status = status, Intent = RequestIntent.Order, Subject = new ResourceReference($"Patient/{Id(patient)}"),
            Performer = [new ResourceReference(performer)],
        });
        async Task ConsentAsync(string patient, Consent.ConsentState status) => await system.CreateAsync(new Consent
        {
            Status = status,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference($"Patient/{Id(patient)}"),
            Provision = new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Permit,
                Actor = [new Consent.provisionActorComponent
                {
                    Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP"),
                    Reference = new ResourceReference($"Organization/{Id("bv-h")}"),
                }],
            },
        });

        await PatientAsync("to-hospital", true, true);
        await ConsultAsync("to-hospital", $"Organization/{Id("bv-h")}", RequestStatus.Active);
        await PatientAsync("to-role", true, true);
        await ConsultAsync("to-role", $"PractitionerRole/{Id("role")}", RequestStatus.Active);
        await PatientAsync("to-service", true, true);
        await ConsultAsync("to-service", $"HealthcareService/{Id("svc")}", RequestStatus.OnHold);
        await PatientAsync("to-person", true, false);
        await ConsultAsync("to-person", $"Practitioner/{Id("spec")}", RequestStatus.Draft);
        await PatientAsync("closed", closedConsultsSeen, closedConsultsSeen);
        await ConsultAsync("closed", $"Organization/{Id("bv-h")}", RequestStatus.Completed);
        await PatientAsync("elsewhere", false, false);
        await ConsultAsync("elsewhere", $"Organization/{Id("bv-k")}", RequestStatus.Active);
        await PatientAsync("consented", true, true);
        await ConsentAsync("consented", Consent.ConsentState.Active);
        await PatientAsync("consent-withdrawn", false, false);
        await ConsentAsync("consent-withdrawn", Consent.ConsentState.Inactive);
        await PatientAsync("no-one", false, false);
        return expected;
    }

    [Fact]
    public async Task Searches_and_reads_by_id_agree_on_whom_the_hospital_sees()
    {
        var patients = await SeedAsync();
        foreach (var (client, sees) in new[]
                 {
                     (As("specialist", "spec"), patients.Where(p => p.Specialist).Select(p => p.Patient).ToList()),
                     (As("coordinator", "coord"), patients.Where(p => p.Coordinator).Select(p => p.Patient).ToList()),
                 })
        {
            Assert.Equal(sees.Select(Id).Order(), (await client.IdsAsync($"Patient?identifier=urn:reach:{suffix}|member&_count=50")).Order());
            Assert.Equal(sees.Select(p => Id("obs-" + p)).Order(),
                (await client.IdsAsync($"Observation?code=urn:reach:{suffix}|hr&_count=50")).Order());
            Assert.Equal(sees.Count, await client.CountAsync("Observation", $"code=urn:reach:{suffix}|hr"));
            foreach (var (patient, _, _) in patients)
            {
                var expected = sees.Contains(patient) ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
                Assert.Equal(expected, (await client.GetAsync($"Patient/{Id(patient)}")).StatusCode);
                Assert.Equal(expected, (await client.GetAsync($"Observation/{Id("obs-" + patient)}")).StatusCode);
            }
        }
    }
}

public sealed class SqliteSpecialistReachTests(SqliteStore store) : SpecialistReachTests<SqliteStore>(store, closedConsultsSeen: true);

public sealed class PostgresSpecialistReachTests(PostgresStore store) : SpecialistReachTests<PostgresStore>(store, closedConsultsSeen: true);

/// <summary>The same with closed consults seen for 0 days (Fhir:Auth:ConsultAccessDays): a closed consult shares nothing.</summary>
public sealed class SqliteClosedConsultReachTests(ClosedConsultSqliteStore store) : SpecialistReachTests<ClosedConsultSqliteStore>(store, closedConsultsSeen: false);

public sealed class PostgresClosedConsultReachTests(ClosedConsultPostgresStore store) : SpecialistReachTests<ClosedConsultPostgresStore>(store, closedConsultsSeen: false);

public sealed class ClosedConsultSqliteStore() : SqliteStore(ClosedConsults.Settings);

public sealed class ClosedConsultPostgresStore() : PostgresStore(ClosedConsults.Settings);

public static class ClosedConsults
{
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Fhir:Auth:ConsultAccessDays"] = "0" };
}
