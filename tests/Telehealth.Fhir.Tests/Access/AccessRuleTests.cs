using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Access.AccessNetwork;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>Who sees which patient, for reads, searches, includes, history and $everything alike; and who may write what.</summary>
public abstract class AccessRuleTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient As(string token) => store.Host.ClientWith(token);

    private async Task<HttpClient> SeededAs(string token)
    {
        await SeedOnceAsync(store);
        return As(token);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url) => (await client.GetAsync(url)).StatusCode;

    [Fact]
    public async Task A_commune_doctor_reads_their_stations_patients_and_not_another_communes()
    {
        var doctor = await SeededAs(DoctorA);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctor, "Patient/a1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctor, "Observation/obs-a2"));
        var refused = await doctor.GetAsync("Patient/b1");
        await FhirHttp.ExpectAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("may not see", await FhirHttp.OutcomeTextAsync(refused));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctor, "Observation/obs-b1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctor, "Observation/obs-b1/_history/1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctor, "Observation/obs-b1/_history"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctor, "Patient/b1/$everything"));
    }

    [Fact]
    public async Task A_deleted_record_is_gone_for_those_who_could_see_it_and_forbidden_to_everyone_else()
    {
        var doctor = await SeededAs(DoctorA);
        var patient = await doctor.CreateAsync(new Patient { Name = [new HumanName { Family = "Đỗ" }], ManagingOrganization = new ResourceReference("Organization/tyt-a") });
        var observation = await doctor.CreateAsync(Observation(null!, patient.Id));
        var kept = await doctor.CreateAsync(Observation(null!, "a1"));
        await FhirHttp.ExpectAsync(await doctor.DeleteAsync($"Observation/{observation.Id}"), HttpStatusCode.NoContent);
        await FhirHttp.ExpectAsync(await doctor.DeleteAsync($"Patient/{patient.Id}"), HttpStatusCode.NoContent);
        await FhirHttp.ExpectAsync(await doctor.DeleteAsync($"Observation/{kept.Id}"), HttpStatusCode.NoContent);
        // The patient, a record deleted with its patient, and a record deleted from a patient still there (a1, whose
        // open consult to hospital H lets H's specialist see it too).
        foreach (var (url, specialist) in new[]
                 {
                     ($"Patient/{patient.Id}", HttpStatusCode.Forbidden), ($"Observation/{observation.Id}", HttpStatusCode.Forbidden),
                     ($"Observation/{kept.Id}", HttpStatusCode.Gone),
                 })
        {
            Assert.Equal(HttpStatusCode.Gone, await StatusAsync(doctor, url));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(As(DoctorB), url));
            Assert.Equal(specialist, await StatusAsync(As(SpecialistH), url));
            Assert.Equal(HttpStatusCode.Gone, await StatusAsync(store.Host.Client, url));
        }
        Assert.Equal(HttpStatusCode.Gone, await StatusAsync(doctor, $"Observation/{observation.Id}/_history/2"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(As(DoctorB), $"Observation/{observation.Id}/_history/2"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctor, $"Observation/{observation.Id}/_history"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(As(DoctorB), $"Observation/{observation.Id}/_history"));
    }

    [Fact]
    public async Task A_search_neither_returns_nor_counts_what_the_caller_may_not_see()
    {
        var doctor = await SeededAs(DoctorA);
        Assert.Equal(PatientsOfA, (await doctor.IdsAsync("Patient?_sort=_id")).ToArray());
        var total = await doctor.SearchAsync("Observation?_total=accurate&_count=1");
        Assert.Equal(2, total.Total);
        Assert.Equal(2, await doctor.CountAsync("Observation"));
        Assert.Empty(await doctor.IdsAsync("Observation?subject=Patient/b1"));
        // Includes and reverse includes bring in only what the caller may read.
        var revinclude = await doctor.SearchAsync("Organization?_id=tyt-b&_revinclude=Patient:organization");
        Assert.Equal(["tyt-b"], revinclude.Entry.Select(e => e.Resource.Id));
        var include = await doctor.SearchAsync("ServiceRequest?_include=ServiceRequest:subject&_sort=_id");
        Assert.Equal(["consult-a1", "consult-a2", "a1", "a2"], include.Entry.Select(e => e.Resource.Id));
        // The system and type histories hold only what the caller may see.
        var history = await doctor.SearchAsync("_history?_count=500");
        Assert.DoesNotContain(history.Entry, e => e.FullUrl.EndsWith("/Patient/b1") || e.FullUrl.EndsWith("/Observation/obs-b1") || e.FullUrl.Contains("/AuditEvent/"));
        Assert.Contains(history.Entry, e => e.FullUrl.EndsWith("/Patient/a1"));
        var typeHistory = await doctor.SearchAsync("Observation/_history");
        Assert.Equal(["obs-a1", "obs-a2"], typeHistory.Entry.Select(e => e.Resource.Id).Order());
    }

    [Fact]
    public async Task Chains_and_has_conditions_look_only_at_what_the_caller_may_see()
    {
        var doctor = await SeededAs(DoctorA);
        // Station B's patient exists, but a doctor of station A must not learn anything about them through a condition.
        Assert.Equal(["tyt-a"], await doctor.IdsAsync("Organization?_has:Patient:organization:name=a1"));
        Assert.Empty(await doctor.IdsAsync("Organization?_has:Patient:organization:name=b1"));
        Assert.Equal(["obs-a1"], await doctor.IdsAsync("Observation?subject:Patient.name=a1"));
        Assert.Empty(await doctor.IdsAsync("Observation?subject:Patient.name=b1"));
        var admin = As(AdminA);
        await FhirHttp.ExpectAsync(await admin.GetAsync("Organization?_has:Patient:organization:name=a1"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_patient_reads_only_their_own_record_and_writes_only_their_bookings()
    {
        var patient = await SeededAs(PatientA1);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(patient, "Patient/a1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(patient, "Patient/a2"));
        Assert.Equal(["obs-a1"], await patient.IdsAsync("Observation"));
        Assert.Equal(["a1"], (await patient.SearchAsync("Patient/a1/$everything?_type=Patient")).Entry.Select(e => e.Resource.Id));
        // Searches, counts and histories are read from the patient's own keys (AccessGuard.OwnRecord).
        Assert.Equal(["obs-a1"], await patient.IdsAsync("Observation?code=http://loinc.org|8867-4"));
        Assert.Equal(["a1"], await patient.IdsAsync("Patient"));
        Assert.Empty(await patient.IdsAsync("Patient?_id=a2,b1"));
        Assert.Equal(1, await patient.CountAsync("Observation"));
        var history = await patient.SearchAsync("_history?_count=500");
        string[] others = ["/Patient/a2", "/Patient/b1", "/Observation/obs-a2", "/Observation/obs-b1", "/ServiceRequest/consult-a2", "/Consent/consent-b1"];
        Assert.DoesNotContain(history.Entry, e => others.Any(e.FullUrl.EndsWith) || e.FullUrl.Contains("/AuditEvent/"));
        Assert.Contains(history.Entry, e => e.FullUrl.EndsWith("/Observation/obs-a1"));
        Assert.Contains(history.Entry, e => e.FullUrl.EndsWith("/ServiceRequest/consult-a1"));

        var before = await store.Host.Client.LatestChangeAsync();
        var write = await patient.PostAsync("Observation", FhirHttp.Content(Observation("mine", "a1")));
        await FhirHttp.ExpectAsync(write, HttpStatusCode.Forbidden);
        Assert.Equal(before, await store.Host.Client.LatestChangeAsync());

        var booking = new Appointment
        {
            Status = Appointment.AppointmentStatus.Proposed,
            Participant = [new Appointment.ParticipantComponent { Actor = new ResourceReference("Patient/a1"), Status = ParticipationStatus.Accepted }],
        };
        await FhirHttp.ExpectAsync(await patient.PostAsync("Appointment", FhirHttp.Content(booking)), HttpStatusCode.Created);
        booking.Participant[0].Actor = new ResourceReference("Patient/a2");
        await FhirHttp.ExpectAsync(await patient.PostAsync("Appointment", FhirHttp.Content(booking)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Specialists_see_patients_of_consults_addressed_to_their_hospital_and_what_consent_shares()
    {
        var specialist = await SeededAs(SpecialistH);
        Assert.Equal(["a1", "a2"], (await specialist.IdsAsync("Patient")).Order());
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(specialist, "Patient/b1"));
        var coordinator = As(CoordinatorH);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(coordinator, "Observation/obs-a1"));

        var other = As(SpecialistK);
        Assert.Equal(["b1"], await other.IdsAsync("Patient"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(other, "Patient/a1"));
    }

    [Fact]
    public async Task A_commune_doctor_writes_only_within_their_own_reach()
    {
        var doctor = await SeededAs(DoctorA);
        var before = await store.Host.Client.LatestChangeAsync();
        var elsewhere = new Patient { Name = [new HumanName { Family = "Lê" }], ManagingOrganization = new ResourceReference("Organization/tyt-b") };
        var refused = await doctor.PostAsync("Patient", FhirHttp.Content(elsewhere));
        await FhirHttp.ExpectAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("Organization/tyt-a", await FhirHttp.OutcomeTextAsync(refused));
        await FhirHttp.ExpectAsync(await doctor.PostAsync("Observation", FhirHttp.Content(Observation("x", "b1"))), HttpStatusCode.Forbidden);
        // Moving a1's observation onto b1 would put it out of the doctor's own reach and into another station's record.
        await FhirHttp.ExpectAsync(await doctor.PutAsync("Observation/obs-a1", FhirHttp.Content(Observation("obs-a1", "b1"))), HttpStatusCode.Forbidden);
        await FhirHttp.ExpectAsync(await doctor.DeleteAsync("Observation/obs-b1"), HttpStatusCode.Forbidden);
        Assert.Equal(before, await store.Host.Client.LatestChangeAsync());

        elsewhere.ManagingOrganization = new ResourceReference("Organization/tyt-a");
        var created = await doctor.CreateAsync(elsewhere);
        await doctor.CreateAsync(Observation(null!, created.Id));
    }

    [Fact]
    public async Task Conditional_writes_answer_as_if_records_the_caller_may_not_see_were_not_there()
    {
        var doctor = await SeededAs(DoctorA);
        var (hidden, absent) = ("an-" + Guid.NewGuid().ToString("N")[..10], "none-" + Guid.NewGuid().ToString("N")[..10]);
        var atB = await store.Host.Client.CreateAsync(new Patient { Name = [new HumanName { Family = "Lý", Given = [hidden] }], ManagingOrganization = new ResourceReference("Organization/tyt-b") });
        var atBObservation = await store.Host.Client.CreateAsync(Observation(null!, atB.Id));

        // A hidden match and no match at all get the same answer, so the answer tells nothing about station B.
        var created = new List<string>();
        try
        {
            foreach (var given in new[] { hidden, absent })
            {
                var body = new Patient { Name = [new HumanName { Family = "Lý", Given = [given] }], ManagingOrganization = new ResourceReference("Organization/tyt-a") };
                var first = await doctor.SendAsync(FhirHttp.Request(HttpMethod.Post, "Patient", FhirHttp.Content(body), ("If-None-Exist", $"given={given}")));
                await FhirHttp.ExpectAsync(first, HttpStatusCode.Created);
                created.Add((await FhirHttp.ReadAsync<Patient>(first)).Id);
                var again = await doctor.SendAsync(FhirHttp.Request(HttpMethod.Post, "Patient", FhirHttp.Content(body), ("If-None-Exist", $"given={given}")));
                await FhirHttp.ExpectAsync(again, HttpStatusCode.OK);
                Assert.Equal(created[^1], (await FhirHttp.ReadAsync<Patient>(again)).Id);
            }
            Assert.Equal(2, (await store.Host.Client.IdsAsync($"Patient?given={hidden}")).Count);
        }
        finally
        {
            // Station A's patients are a1 and a2 for the other tests of this class.
            foreach (var id in created) await store.Host.Client.DeleteAsync($"Patient/{id}");
        }

        // A conditional delete removes only what the caller could have found; station B's record stays as it was.
        var deleted = await doctor.DeleteAsync($"Observation?subject=Patient/{atB.Id}");
        Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
        Assert.Equal("1", (await store.Host.Client.ReadOkAsync<Observation>($"Observation/{atBObservation.Id}")).Meta.VersionId);
    }

    [Fact]
    public async Task A_token_without_write_scope_cannot_write_and_changes_nothing()
    {
        var reader = await SeededAs(TestTokens.Person("commune_doctor", "Practitioner/doc-a", "Organization/tyt-a", "openid user/*.rs"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(reader, "Patient/a1"));
        var before = await store.Host.Client.LatestChangeAsync();
        var refused = await reader.PutAsync("Observation/obs-a1", FhirHttp.Content(Observation("obs-a1", "a1")));
        await FhirHttp.ExpectAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("user/Observation.u", await FhirHttp.OutcomeTextAsync(refused));
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(BundleHttp.Entry(Bundle.HTTPVerb.POST, "Observation", Observation(null!, "a1")));
        await FhirHttp.ExpectAsync(await reader.PostAsync("", FhirHttp.Content(bundle)), HttpStatusCode.Forbidden);
        Assert.Equal(before, await store.Host.Client.LatestChangeAsync());

        var observationsOnly = As(TestTokens.Person("commune_doctor", "Practitioner/doc-a", "Organization/tyt-a", "openid user/Observation.rs"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(observationsOnly, "Observation/obs-a1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(observationsOnly, "Patient/a1"));
    }

    [Fact]
    public async Task Administrators_keep_the_directory_and_never_see_clinical_content()
    {
        var admin = await SeededAs(AdminA);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(admin, "Patient/a1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(admin, "Organization/tyt-b"));
        await admin.PutAsync(new Organization { Id = "tyt-a", Name = "Trạm Y tế xã A (mới)" });
        await FhirHttp.ExpectAsync(await admin.PutAsync("Organization/tyt-b", FhirHttp.Content(new Organization { Id = "tyt-b", Name = "x" })), HttpStatusCode.Forbidden);
        await admin.PutAsync(new PractitionerRole { Id = "role-new", Practitioner = new ResourceReference("Practitioner/doc-a"), Organization = new ResourceReference("Organization/tyt-a") });
        await FhirHttp.ExpectAsync(await admin.PutAsync("PractitionerRole/role-doc-b", FhirHttp.Content(
            new PractitionerRole { Id = "role-doc-b", Practitioner = new ResourceReference("Practitioner/doc-b"), Organization = new ResourceReference("Organization/tyt-a") })), HttpStatusCode.Forbidden);

        var root = As(PlatformAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(root, "Observation/obs-a1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(root, "AuditEvent?_count=1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(As(DoctorA), "AuditEvent?_count=1"));
    }
}

public sealed class SqliteAccessRuleTests(SqliteStore store) : AccessRuleTests<SqliteStore>(store);

public sealed class PostgresAccessRuleTests(PostgresStore store) : AccessRuleTests<PostgresStore>(store);
