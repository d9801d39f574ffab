using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Infrastructure.BundleHttp;
using static Telehealth.Fhir.Tests.Infrastructure.BundleSamples;

namespace Telehealth.Fhir.Tests;

/// <summary>Batch and transaction bundles: references between entries, conditional entries, every method. Refusals: BundleRefusalTests.</summary>
public abstract class BundleTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Client => store.Host.Client;

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
