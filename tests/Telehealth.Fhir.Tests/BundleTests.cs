using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Infrastructure.BundleHttp;

namespace Telehealth.Fhir.Tests;

/// <summary>Batch and transaction bundles: references between entries, conditional entries, every method, all or nothing.</summary>
public abstract class BundleTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private const string Cccd = "https://telehealth.vn/fhir/sid/cccd";

    private HttpClient Client => store.Host.Client;

    private static string NewCccd() => "0010" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    private static Patient NewPatient(string cccd) => new()
    {
        Identifier = [new Identifier(Cccd, cccd)],
        Name = [new HumanName { Family = "Đặng", Given = ["Minh", "Khoa"] }],
        Gender = AdministrativeGender.Male,
        BirthDate = "1968-11-02",
    };

    private static Observation HeartRate(string subject, string? encounter = null) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4", "Nhịp tim"),
        Subject = new ResourceReference(subject),
        Encounter = encounter is null ? null : new ResourceReference(encounter),
        Value = new Quantity(72, "/min", "http://unitsofmeasure.org"),
    };

    [Fact]
    public async Task A_transaction_resolves_urn_uuid_references_between_its_entries_and_answers_201_with_locations()
    {
        var (patientUrn, encounterUrn) = ($"urn:uuid:{Guid.NewGuid()}", $"urn:uuid:{Guid.NewGuid()}");
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR", "virtual"),
            Subject = new ResourceReference(patientUrn),
        };
        // The Observation comes first: references must resolve whatever the entries' order.
        var result = await Client.PostBundleAsync(Bundle.BundleType.Transaction,
            Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(patientUrn, encounterUrn), $"urn:uuid:{Guid.NewGuid()}"),
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(NewCccd()), patientUrn),
            Entry(Bundle.HTTPVerb.POST, "Encounter", encounter, encounterUrn));

        string[] types = ["Observation", "Patient", "Encounter"];
        for (var i = 0; i < types.Length; i++)
        {
            var entry = result.Entry[i];
            Assert.Equal("201 Created", entry.Response.Status);
            Assert.Equal(types[i], entry.Resource.TypeName);
            Assert.EndsWith($"/{types[i]}/{entry.Resource.Id}/_history/1", entry.Response.Location);
            Assert.EndsWith($"/{types[i]}/{entry.Resource.Id}", entry.FullUrl);
        }
        var (observationId, patientId, encounterId) = (result.Entry[0].Resource.Id, result.Entry[1].Resource.Id, result.Entry[2].Resource.Id);
        var observation = await Client.ReadOkAsync<Observation>($"Observation/{observationId}");
        Assert.Equal($"Patient/{patientId}", observation.Subject.Reference);
        Assert.Equal($"Encounter/{encounterId}", observation.Encounter.Reference);
        Assert.Equal($"Patient/{patientId}", (await Client.ReadOkAsync<Encounter>($"Encounter/{encounterId}")).Subject.Reference);
        // The index was written with the rewritten references, so searches by them find the new resources.
        Assert.Equal([observationId], await Client.IdsAsync($"Observation?subject=Patient/{patientId}"));
        Assert.Equal([observationId], await Client.IdsAsync($"Observation?encounter={encounterId}"));
    }

    [Fact]
    public async Task A_conditional_create_entry_reuses_the_matching_patient_and_other_entries_point_at_it()
    {
        var cccd = NewCccd();
        var existing = await Client.CreateAsync(NewPatient(cccd));
        var freshCccd = NewCccd();
        var (matchedUrn, freshUrn) = ($"urn:uuid:{Guid.NewGuid()}", $"urn:uuid:{Guid.NewGuid()}");

        var result = await Client.PostBundleAsync(Bundle.BundleType.Transaction,
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd), matchedUrn, ifNoneExist: $"identifier={Cccd}|{cccd}"),
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(freshCccd), freshUrn, ifNoneExist: $"identifier={Cccd}|{freshCccd}"),
            Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(matchedUrn)),
            Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(freshUrn)));

        Assert.Equal(["200 OK", "201 Created", "201 Created", "201 Created"], result.Entry.Select(e => e.Response.Status));
        Assert.Equal(existing.Id, result.Entry[0].Resource.Id);
        Assert.Equal("1", result.Entry[0].Resource.Meta.VersionId);
        var freshId = result.Entry[1].Resource.Id;
        Assert.Equal($"Patient/{existing.Id}", (await Client.ReadOkAsync<Observation>($"Observation/{result.Entry[2].Resource.Id}")).Subject.Reference);
        Assert.Equal($"Patient/{freshId}", (await Client.ReadOkAsync<Observation>($"Observation/{result.Entry[3].Resource.Id}")).Subject.Reference);
        Assert.Equal([existing.Id], await Client.IdsAsync($"Patient?identifier={Cccd}|{cccd}"));
        Assert.Equal([freshId], await Client.IdsAsync($"Patient?identifier={Cccd}|{freshCccd}"));
    }

    [Fact]
    public async Task A_conditional_update_entry_updates_the_patient_with_that_identifier_or_creates_one()
    {
        var cccd = NewCccd();
        var existing = await Client.CreateAsync(NewPatient(cccd));
        var changed = NewPatient(cccd);
        changed.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "+84 90 123 4567")];
        var absentCccd = NewCccd();

        var result = await Client.PostBundleAsync(Bundle.BundleType.Transaction,
            Entry(Bundle.HTTPVerb.PUT, $"Patient?identifier={Cccd}|{cccd}", changed),
            Entry(Bundle.HTTPVerb.PUT, $"Patient?identifier={Cccd}|{absentCccd}", NewPatient(absentCccd)));

        Assert.Equal(["200 OK", "201 Created"], result.Entry.Select(e => e.Response.Status));
        Assert.Equal(existing.Id, result.Entry[0].Resource.Id);
        var current = await Client.ReadOkAsync<Patient>($"Patient/{existing.Id}");
        Assert.Equal("2", current.Meta.VersionId);
        Assert.Equal("+84 90 123 4567", current.Telecom.Single().Value);
        Assert.Equal([result.Entry[1].Resource.Id], await Client.IdsAsync($"Patient?identifier={Cccd}|{absentCccd}"));
    }

    [Fact]
    public async Task A_conditional_update_entry_whose_body_id_is_not_the_match_is_refused()
    {
        var cccd = NewCccd();
        var existing = await Client.CreateAsync(NewPatient(cccd));
        var body = NewPatient(cccd);
        body.Id = "someone-else";
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction, Entry = [Entry(Bundle.HTTPVerb.PUT, $"Patient?identifier={Cccd}|{cccd}", body)] };

        var response = await Client.PostAsync("", FhirHttp.Content(bundle));
        await FhirHttp.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("someone-else", await FhirHttp.OutcomeTextAsync(response));
        Assert.Equal("1", (await Client.ReadOkAsync<Patient>($"Patient/{existing.Id}")).Meta.VersionId);
        Assert.Equal("404", await Client.RawAsync("Patient/someone-else"));
    }

    [Fact]
    public async Task Delete_entries_remove_by_id_and_by_criteria()
    {
        var byId = await Client.CreateAsync(NewPatient(NewCccd()));
        var cccd = NewCccd();
        var byCriteria = await Client.CreateAsync(NewPatient(cccd));

        var result = await Client.PostBundleAsync(Bundle.BundleType.Transaction,
            Entry(Bundle.HTTPVerb.DELETE, $"Patient/{byId.Id}"),
            Entry(Bundle.HTTPVerb.DELETE, $"Patient?identifier={Cccd}|{cccd}"));

        Assert.All(result.Entry, e => Assert.Equal("204 No Content", e.Response.Status));
        Assert.Equal("410", await Client.RawAsync($"Patient/{byId.Id}"));
        Assert.Equal("410", await Client.RawAsync($"Patient/{byCriteria.Id}"));
    }

    [Fact]
    public async Task Get_entries_in_a_batch_answer_reads_and_searches()
    {
        var cccd = NewCccd();
        var patient = await Client.CreateAsync(NewPatient(cccd));
        var observation = await Client.CreateAsync(HeartRate($"Patient/{patient.Id}"));

        var result = await Client.PostBundleAsync(Bundle.BundleType.Batch,
            Entry(Bundle.HTTPVerb.GET, $"Patient/{patient.Id}"),
            Entry(Bundle.HTTPVerb.GET, $"Observation?subject=Patient/{patient.Id}"),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{patient.Id}/_history/1"));

        Assert.All(result.Entry, e => Assert.Equal("200 OK", e.Response.Status));
        Assert.Equal(patient.Id, result.Entry[0].Resource.Id);
        var searchset = Assert.IsType<Bundle>(result.Entry[1].Resource);
        Assert.Equal(Bundle.BundleType.Searchset, searchset.Type);
        Assert.Equal([observation.Id], searchset.Entry.Select(e => e.Resource.Id));
        Assert.Equal("1", result.Entry[2].Resource.Meta.VersionId);
    }

    [Fact]
    public async Task A_batch_entry_that_fails_reports_its_own_4xx_and_outcome_while_the_others_are_stored()
    {
        var cccd = NewCccd();
        var mismatched = NewPatient(NewCccd());
        mismatched.Id = "body-id";
        var missing = "missing-" + Guid.NewGuid().ToString("N")[..8];

        var result = await Client.PostBundleAsync(Bundle.BundleType.Batch,
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd)),
            Entry(Bundle.HTTPVerb.PUT, "Patient/url-id", mismatched),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{missing}"),
            Entry(Bundle.HTTPVerb.DELETE, "Bệnhnhân/1"),
            Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate($"Patient/{missing}")));

        Assert.Equal(["201 Created", "400 Bad Request", "404 Not Found", "404 Not Found", "201 Created"], result.Entry.Select(e => e.Response.Status));
        string[] mentions = ["", "body-id", missing, "Bệnhnhân", ""];
        foreach (var i in new[] { 1, 2, 3 })
        {
            var outcome = Assert.IsType<OperationOutcome>(result.Entry[i].Response.Outcome);
            Assert.Contains(mentions[i], outcome.Issue[0].Diagnostics);
        }
        Assert.Equal([result.Entry[0].Resource.Id], await Client.IdsAsync($"Patient?identifier={Cccd}|{cccd}"));
        Assert.Equal([result.Entry[4].Resource.Id], await Client.IdsAsync($"Observation?subject=Patient/{missing}"));
        Assert.Equal("404", await Client.RawAsync("Patient/url-id"));
    }

    [Fact]
    public async Task A_batch_entry_whose_url_the_server_cannot_serve_is_refused_by_itself()
    {
        var patient = await Client.CreateAsync(NewPatient(NewCccd()));
        var cccd = NewCccd();

        var result = await Client.PostBundleAsync(Bundle.BundleType.Batch,
            Entry(Bundle.HTTPVerb.GET, $"Patient/{patient.Id}/_history"),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{patient.Id}/$everything"),
            Entry(Bundle.HTTPVerb.PUT, "Patient", NewPatient(NewCccd())),
            Entry(Bundle.HTTPVerb.POST, $"Patient/{patient.Id}", NewPatient(NewCccd())),
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd)));

        Assert.Equal(["400 Bad Request", "400 Bad Request", "400 Bad Request", "400 Bad Request", "201 Created"],
            result.Entry.Select(e => e.Response.Status));
        Assert.All(result.Entry.Take(4), e => Assert.IsType<OperationOutcome>(e.Response.Outcome));
        Assert.Contains("_history", Assert.IsType<OperationOutcome>(result.Entry[0].Response.Outcome).Issue[0].Diagnostics);
        Assert.Equal("1", (await Client.ReadOkAsync<Patient>($"Patient/{patient.Id}")).Meta.VersionId);
        Assert.Equal(1, await Client.CountAsync("Patient", $"identifier={Cccd}|{cccd}"));
    }

    [Fact]
    public async Task A_transaction_with_a_urn_uuid_reference_no_entry_answers_is_refused_and_stores_nothing()
    {
        var before = await Client.LatestChangeAsync();
        var cccd = NewCccd();
        var (patientUrn, danglingUrn) = ($"urn:uuid:{Guid.NewGuid()}", $"urn:uuid:{Guid.NewGuid()}");

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd), patientUrn),
                Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(patientUrn, danglingUrn)),
            ],
        };
        var response = await Client.PostAsync("", FhirHttp.Content(bundle));

        await FhirHttp.ExpectAsync(response, HttpStatusCode.BadRequest);
        var text = await FhirHttp.OutcomeTextAsync(response);
        Assert.Contains("Bundle.entry[1]", text);
        Assert.Contains(danglingUrn, text);
        Assert.Equal(before, await Client.LatestChangeAsync());
        Assert.Equal(0, await Client.CountAsync("Patient", $"identifier={Cccd}|{cccd}"));
    }

    [Fact]
    public async Task A_transaction_is_all_or_nothing_when_a_late_entry_fails()
    {
        var existing = await Client.CreateAsync(NewPatient(NewCccd()));
        existing.Active = true;
        await Client.PutAsync(existing);
        var before = await Client.LatestChangeAsync();
        var cccd = NewCccd();
        var urn = $"urn:uuid:{Guid.NewGuid()}";
        existing.Active = false;

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd), urn),
                Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(urn)),
                Entry(Bundle.HTTPVerb.DELETE, $"Patient/{existing.Id}"),
                Entry(Bundle.HTTPVerb.PUT, $"Patient/{existing.Id}", existing, ifMatch: "W/\"1\""),
            ],
        };
        var response = await Client.PostAsync("", FhirHttp.Content(bundle));

        await FhirHttp.ExpectAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Contains("Bundle.entry[3]", await FhirHttp.OutcomeTextAsync(response));
        Assert.Equal(before, await Client.LatestChangeAsync());
        Assert.Equal(0, await Client.CountAsync("Patient", $"identifier={Cccd}|{cccd}"));
        var current = await Client.ReadOkAsync<Patient>($"Patient/{existing.Id}");
        Assert.Equal("2", current.Meta.VersionId);
        Assert.True(current.Active);
    }

    [Fact]
    public async Task A_transaction_get_entry_sees_what_the_transaction_wrote()
    {
        var id = "bt-" + Guid.NewGuid().ToString("N")[..12];
        var patient = NewPatient(NewCccd());
        patient.Id = id;

        var result = await Client.PostBundleAsync(Bundle.BundleType.Transaction,
            Entry(Bundle.HTTPVerb.GET, $"Patient/{id}"),
            Entry(Bundle.HTTPVerb.PUT, $"Patient/{id}", patient));

        Assert.Equal(["200 OK", "201 Created"], result.Entry.Select(e => e.Response.Status));
        Assert.Equal(id, result.Entry[0].Resource.Id);
        Assert.Equal("1", result.Entry[0].Resource.Meta.VersionId);
    }

    [Fact]
    public async Task A_transaction_search_entry_sees_what_the_transaction_wrote_and_a_refused_one_leaves_nothing()
    {
        var cccd = NewCccd();
        var patientUrn = $"urn:uuid:{Guid.NewGuid()}";

        // The search comes first in the bundle; the spec runs GETs last, so it finds the patient and the observation.
        var result = await Client.PostBundleAsync(Bundle.BundleType.Transaction,
            Entry(Bundle.HTTPVerb.GET, $"Patient?identifier={Cccd}|{cccd}&_revinclude=Observation:subject"),
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd), patientUrn),
            Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(patientUrn)));

        Assert.Equal(["200 OK", "201 Created", "201 Created"], result.Entry.Select(e => e.Response.Status));
        var searchset = Assert.IsType<Bundle>(result.Entry[0].Resource);
        Assert.Equal(1, searchset.Total);
        Assert.Equal([(result.Entry[1].Resource.Id, "match"), (result.Entry[2].Resource.Id, "include")],
            searchset.Entry.Select(e => (e.Resource.Id, e.Search.Mode!.Value == Bundle.SearchEntryMode.Match ? "match" : "include")));

        // A transaction whose last entry fails: the search saw the patient inside it, but nothing is stored.
        var refusedCccd = NewCccd();
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.AddRange([
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(refusedCccd)),
            Entry(Bundle.HTTPVerb.GET, $"Patient?identifier={Cccd}|{refusedCccd}"),
            Entry(Bundle.HTTPVerb.PUT, "Patient/not-this-one", NewPatient(NewCccd())),
        ]);
        var refused = await Client.PostAsync("", FhirHttp.Content(bundle));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty(await Client.IdsAsync($"Patient?identifier={Cccd}|{refusedCccd}"));
    }

    [Fact]
    public async Task A_transaction_patch_entry_applies_a_json_patch_carried_in_a_binary()
    {
        var existing = await Client.CreateAsync(NewPatient(NewCccd()));
        var patch = new Binary
        {
            ContentType = "application/json-patch+json",
            Data = System.Text.Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/gender","value":"female"}]"""),
        };

        var result = await Client.PostBundleAsync(Bundle.BundleType.Transaction, Entry(Bundle.HTTPVerb.PATCH, $"Patient/{existing.Id}", patch));

        Assert.Equal("200 OK", result.Entry[0].Response.Status);
        var current = await Client.ReadOkAsync<Patient>($"Patient/{existing.Id}");
        Assert.Equal(AdministrativeGender.Female, current.Gender);
        Assert.Equal("2", current.Meta.VersionId);
    }
}

public sealed class SqliteBundleTests(SqliteStore store) : BundleTests<SqliteStore>(store);

public sealed class PostgresBundleTests(PostgresStore store) : BundleTests<PostgresStore>(store);
