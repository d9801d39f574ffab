using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary><c>Patient/{id}/$everything</c>: one patient's record and what it points at, never another patient's.</summary>
public abstract class EverythingTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Client => store.Host.Client;

    /// <summary>Two patients of one clinic, seen by the same doctor; each with an encounter, an observation and a condition.</summary>
    private sealed record Clinic(Organization Clinic_, Practitioner Doctor, Practitioner Nurse, Patient An, Patient Binh,
        List<Resource> AnsRecord, List<Resource> BinhsRecord);

    private async Task<Clinic> SeedAsync()
    {
        var clinic = await Client.CreateAsync(new Organization { Name = "Phòng khám Đa khoa Sài Gòn" });
        var doctor = await Client.CreateAsync(new Practitioner { Name = [new HumanName { Family = "Trương", Given = ["Văn", "Lợi"] }] });
        var nurse = await Client.CreateAsync(new Practitioner { Name = [new HumanName { Family = "Lý", Given = ["Thu"] }] });
        var an = await Client.CreateAsync(new Patient
        {
            Name = [new HumanName { Family = "Phan", Given = ["Văn", "An"] }],
            ManagingOrganization = Ref(clinic),
            GeneralPractitioner = [Ref(doctor)],
        });
        var binh = await Client.CreateAsync(new Patient { Name = [new HumanName { Family = "Mai", Given = ["Thị", "Bình"] }], ManagingOrganization = Ref(clinic) });
        return new Clinic(clinic, doctor, nurse, an, binh,
            await RecordAsync(an, doctor, clinic), await RecordAsync(binh, nurse, clinic));
    }

    private async Task<List<Resource>> RecordAsync(Patient patient, Practitioner practitioner, Organization clinic)
    {
        var encounter = await Client.CreateAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR"),
            Subject = Ref(patient),
            Participant = [new Encounter.ParticipantComponent { Individual = Ref(practitioner) }],
            ServiceProvider = Ref(clinic),
        });
        var observation = await Client.CreateAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8480-6", "Huyết áp tâm thu"),
            Subject = Ref(patient),
            Encounter = Ref(encounter),
            Performer = [Ref(practitioner)],
            Value = new Quantity(128, "mm[Hg]", "http://unitsofmeasure.org"),
        });
        var condition = await Client.CreateAsync(new Condition
        {
            Code = new CodeableConcept("http://hl7.org/fhir/sid/icd-10", "I10", "Tăng huyết áp vô căn"),
            Subject = Ref(patient),
            Encounter = Ref(encounter),
            Recorder = Ref(practitioner),
        });
        return [encounter, observation, condition];
    }

    private static ResourceReference Ref(Resource r) => new($"{r.TypeName}/{r.Id}");

    private static string Key(Resource r) => $"{r.TypeName}/{r.Id}";

    private async Task<Bundle> EverythingAsync(string query)
    {
        var response = await Client.GetAsync(query);
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        return await FhirHttp.ReadAsync<Bundle>(response);
    }

    [Fact]
    public async Task Everything_returns_the_patient_their_record_and_what_it_references_but_no_other_patients_data()
    {
        var c = await SeedAsync();

        var bundle = await EverythingAsync($"Patient/{c.An.Id}/$everything");

        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        var returned = bundle.Entry.Select(e => Key(e.Resource)).ToList();
        var expected = new[] { Key(c.An), Key(c.Clinic_), Key(c.Doctor) }.Concat(c.AnsRecord.Select(Key)).Order().ToList();
        Assert.Equal(expected, returned.Order().ToList());
        Assert.Equal(returned.Count, returned.Distinct().Count());
        Assert.Equal(bundle.Entry.Count, bundle.Total);
        var first = bundle.Entry[0];
        Assert.Equal((Key(c.An), Bundle.SearchEntryMode.Match), (Key(first.Resource), first.Search.Mode!.Value));
        Assert.DoesNotContain(Key(c.Binh), returned);
        Assert.DoesNotContain(Key(c.Nurse), returned);
        Assert.All(c.BinhsRecord, r => Assert.DoesNotContain(Key(r), returned));
    }

    [Fact]
    public async Task Everything_leaves_out_deleted_resources_and_honours_type()
    {
        var c = await SeedAsync();
        var deleted = c.AnsRecord.OfType<Condition>().Single();
        await FhirHttp.ExpectAsync(await Client.DeleteAsync($"Condition/{deleted.Id}"), HttpStatusCode.NoContent);

        var all = await EverythingAsync($"Patient/{c.An.Id}/$everything");
        Assert.DoesNotContain(Key(deleted), all.Entry.Select(e => Key(e.Resource)));

        var observationsOnly = await EverythingAsync($"Patient/{c.An.Id}/$everything?_type=Patient,Observation");
        var expected = new[] { Key(c.An), Key(c.AnsRecord.OfType<Observation>().Single()) };
        Assert.Equal(expected.Order(), observationsOnly.Entry.Select(e => Key(e.Resource)).Order());
    }

    [Fact]
    public async Task A_shared_group_visit_is_in_each_patients_everything_without_bringing_the_other_patient_along()
    {
        var c = await SeedAsync();
        // A family telehealth visit: one appointment for both patients, with the doctor.
        var visit = await Client.CreateAsync(new Appointment
        {
            Status = Appointment.AppointmentStatus.Booked,
            Start = DateTimeOffset.Parse("2026-03-02T09:00:00+07:00"),
            End = DateTimeOffset.Parse("2026-03-02T09:30:00+07:00"),
            Participant =
            [
                new Appointment.ParticipantComponent { Actor = Ref(c.An), Status = ParticipationStatus.Accepted },
                new Appointment.ParticipantComponent { Actor = Ref(c.Binh), Status = ParticipationStatus.Accepted },
                new Appointment.ParticipantComponent { Actor = Ref(c.Doctor), Status = ParticipationStatus.Accepted },
            ],
        });
        // An's observation mistakenly cites Bình's encounter: that encounter is Bình's record, not An's.
        var crossed = await Client.CreateAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = Ref(c.An),
            Encounter = Ref(c.BinhsRecord.OfType<Encounter>().Single()),
        });

        var ans = (await EverythingAsync($"Patient/{c.An.Id}/$everything")).Entry.Select(e => Key(e.Resource)).ToList();
        var binhs = (await EverythingAsync($"Patient/{c.Binh.Id}/$everything")).Entry.Select(e => Key(e.Resource)).ToList();

        Assert.Contains(Key(visit), ans);
        Assert.Contains(Key(visit), binhs);
        Assert.Contains(Key(crossed), ans);
        Assert.DoesNotContain(Key(c.Binh), ans);
        Assert.DoesNotContain(Key(c.An), binhs);
        Assert.All(c.BinhsRecord, r => Assert.DoesNotContain(Key(r), ans));
        Assert.All(c.AnsRecord, r => Assert.DoesNotContain(Key(r), binhs));
    }

    [Fact]
    public async Task Everything_for_a_patient_that_does_not_exist_answers_404()
    {
        var response = await Client.GetAsync("Patient/no-such-patient/$everything");
        await FhirHttp.ExpectAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("Patient/no-such-patient", await FhirHttp.OutcomeTextAsync(response));
    }
}

public sealed class SqliteEverythingTests(SqliteStore store) : EverythingTests<SqliteStore>(store);

public sealed class PostgresEverythingTests(PostgresStore store) : EverythingTests<PostgresStore>(store);
