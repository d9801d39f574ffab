using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>read, vread, create, update (also as create), If-Match, delete, history; on both stores.</summary>
public abstract class CrudTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Client => store.Host.Client;

    private static Patient NewPatient(string family = "Trần", string given = "Thị Bích") => new()
    {
        Name = [new HumanName { Family = family, Given = given.Split(' ') }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1975-05-20",
    };

    [Fact]
    public async Task Create_assigns_id_and_version_and_read_returns_the_same_resource()
    {
        var response = await Client.PostAsync("Patient", FhirHttp.Content(NewPatient()));
        await FhirHttp.ExpectAsync(response, HttpStatusCode.Created);
        var created = await FhirHttp.ReadAsync<Patient>(response);
        Assert.False(string.IsNullOrEmpty(created.Id));
        Assert.Equal("1", created.Meta!.VersionId);
        Assert.Equal($"W/\"1\"", response.Headers.ETag?.ToString());
        Assert.EndsWith($"/Patient/{created.Id}/_history/1", response.Headers.Location!.ToString());

        var read = await Client.GetAsync($"Patient/{created.Id}");
        await FhirHttp.ExpectAsync(read, HttpStatusCode.OK);
        var body = await FhirHttp.ReadAsync<Patient>(read);
        Assert.Equal("Trần", body.Name[0].Family);
        Assert.Equal(created.Meta.LastUpdated, body.Meta.LastUpdated);
    }

    [Fact]
    public async Task Update_makes_a_new_version_and_vread_returns_each_version()
    {
        var created = await Client.CreateAsync(NewPatient());
        created.BirthDate = "1976-01-01";
        var updated = await Client.PutAsync(created);
        Assert.Equal("2", updated.Meta.VersionId);

        var v1 = await FhirHttp.ReadAsync<Patient>(await Client.GetAsync($"Patient/{created.Id}/_history/1"));
        var v2 = await FhirHttp.ReadAsync<Patient>(await Client.GetAsync($"Patient/{created.Id}/_history/2"));
        Assert.Equal("1975-05-20", v1.BirthDate);
        Assert.Equal("1976-01-01", v2.BirthDate);
        var missing = await Client.GetAsync($"Patient/{created.Id}/_history/3");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Update_with_a_client_chosen_id_creates_the_resource()
    {
        var id = "bn-" + Guid.NewGuid().ToString("N")[..12];
        var patient = NewPatient();
        patient.Id = id;
        var response = await Client.PutAsync($"Patient/{id}", FhirHttp.Content(patient));
        await FhirHttp.ExpectAsync(response, HttpStatusCode.Created);
        var again = await Client.PutAsync($"Patient/{id}", FhirHttp.Content(patient));
        await FhirHttp.ExpectAsync(again, HttpStatusCode.OK);
        Assert.Equal("2", (await FhirHttp.ReadAsync<Patient>(again)).Meta.VersionId);
    }

    [Fact]
    public async Task Update_with_a_stale_If_Match_is_refused_with_412_and_changes_nothing()
    {
        var created = await Client.CreateAsync(NewPatient());
        created.Gender = AdministrativeGender.Male;
        var ok = await Client.SendAsync(FhirHttp.Request(HttpMethod.Put, $"Patient/{created.Id}", FhirHttp.Content(created), ("If-Match", "W/\"1\"")));
        await FhirHttp.ExpectAsync(ok, HttpStatusCode.OK);

        created.BirthDate = "2001-01-01";
        var stale = await Client.SendAsync(FhirHttp.Request(HttpMethod.Put, $"Patient/{created.Id}", FhirHttp.Content(created), ("If-Match", "W/\"1\"")));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Contains("version 2", await FhirHttp.OutcomeTextAsync(stale));

        var current = await FhirHttp.ReadAsync<Patient>(await Client.GetAsync($"Patient/{created.Id}"));
        Assert.Equal("2", current.Meta.VersionId);
        Assert.Equal("1975-05-20", current.BirthDate);
    }

    [Fact]
    public async Task Delete_makes_read_answer_410_and_keeps_history()
    {
        var created = await Client.CreateAsync(NewPatient());
        var delete = await Client.DeleteAsync($"Patient/{created.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var read = await Client.GetAsync($"Patient/{created.Id}");
        Assert.Equal(HttpStatusCode.Gone, read.StatusCode);
        Assert.Contains("deleted", await FhirHttp.OutcomeTextAsync(read));
        var v1 = await Client.GetAsync($"Patient/{created.Id}/_history/1");
        await FhirHttp.ExpectAsync(v1, HttpStatusCode.OK);

        var history = await FhirHttp.ReadAsync<Bundle>(await Client.GetAsync($"Patient/{created.Id}/_history"));
        Assert.Equal(Bundle.BundleType.History, history.Type);
        Assert.Equal([Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.POST], history.Entry.Select(e => e.Request.Method!.Value));
        Assert.Empty(await Client.IdsAsync($"Patient?_id={created.Id}"));
    }

    [Fact]
    public async Task Conditional_create_returns_the_existing_resource_when_one_matches()
    {
        var cccd = "0830" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var patient = NewPatient();
        patient.Identifier.Add(new Identifier("https://telehealth.vn/fhir/sid/cccd", cccd));
        var first = await Client.SendAsync(FhirHttp.Request(HttpMethod.Post, "Patient", FhirHttp.Content(patient),
            ("If-None-Exist", $"identifier=https://telehealth.vn/fhir/sid/cccd|{cccd}")));
        await FhirHttp.ExpectAsync(first, HttpStatusCode.Created);
        var second = await Client.SendAsync(FhirHttp.Request(HttpMethod.Post, "Patient", FhirHttp.Content(patient),
            ("If-None-Exist", $"identifier=https://telehealth.vn/fhir/sid/cccd|{cccd}")));
        await FhirHttp.ExpectAsync(second, HttpStatusCode.OK);
        Assert.Equal((await FhirHttp.ReadAsync<Patient>(first)).Id, (await FhirHttp.ReadAsync<Patient>(second)).Id);
        Assert.Single(await Client.IdsAsync($"Patient?identifier={cccd}"));
    }

    [Fact]
    public async Task Conditional_update_and_delete_act_on_the_single_match()
    {
        var code = "CU" + Guid.NewGuid().ToString("N")[..8];
        var patient = NewPatient();
        patient.Identifier.Add(new Identifier("urn:test", code));
        var created = await Client.SendAsync(FhirHttp.Request(HttpMethod.Put, $"Patient?identifier=urn:test|{code}", FhirHttp.Content(patient)));
        await FhirHttp.ExpectAsync(created, HttpStatusCode.Created);
        patient.Active = true;
        var updated = await Client.SendAsync(FhirHttp.Request(HttpMethod.Put, $"Patient?identifier=urn:test|{code}", FhirHttp.Content(patient)));
        await FhirHttp.ExpectAsync(updated, HttpStatusCode.OK);
        Assert.Equal("2", (await FhirHttp.ReadAsync<Patient>(updated)).Meta.VersionId);

        var deleted = await Client.DeleteAsync($"Patient?identifier=urn:test|{code}");
        await FhirHttp.ExpectAsync(deleted, HttpStatusCode.OK);
        Assert.Empty(await Client.IdsAsync($"Patient?identifier=urn:test|{code}"));
    }

    [Fact]
    public async Task Type_and_system_history_list_newest_first_and_honour_since_and_count()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var a = await Client.CreateAsync(new Practitioner { Name = [new HumanName { Family = "Lê", Given = ["Văn", "Hùng"] }] });
        var b = await Client.CreateAsync(new Practitioner { Name = [new HumanName { Family = "Phạm", Given = ["Thu"] }] });
        var since = Uri.EscapeDataString(before.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
        var typeHistory = await FhirHttp.ReadAsync<Bundle>(await Client.GetAsync($"Practitioner/_history?_since={since}&_count=1"));
        Assert.Single(typeHistory.Entry);
        Assert.Equal(b.Id, typeHistory.Entry[0].Resource.Id);
        var next = typeHistory.Link.Single(l => l.Relation == "next").Url;
        var page2 = await FhirHttp.ReadAsync<Bundle>(await Client.GetAsync(next));
        Assert.Equal(a.Id, page2.Entry[0].Resource.Id);

        var system = await FhirHttp.ReadAsync<Bundle>(await Client.GetAsync($"_history?_since={since}"));
        Assert.Contains(system.Entry, e => e.Resource?.Id == a.Id);
        Assert.Contains(system.Entry, e => e.Resource?.Id == b.Id);
    }

    [Fact]
    public async Task Metadata_lists_every_resource_type_and_its_search_parameters()
    {
        var statement = await FhirHttp.ReadAsync<CapabilityStatement>(await Client.GetAsync("metadata"));
        var patient = statement.Rest[0].Resource.Single(r => r.Type == "Patient");
        Assert.Contains(patient.SearchParam, p => p.Name == "name" && p.Type == SearchParamType.String);
        Assert.Contains(patient.SearchParam, p => p.Name == "_lastUpdated");
        Assert.Contains(patient.Operation, o => o.Name == "everything");
        Assert.Equal(ModelInfo.SupportedResources.Count, statement.Rest[0].Resource.Count);
    }
}

public sealed class SqliteCrudTests(SqliteStore store) : CrudTests<SqliteStore>(store);

public sealed class PostgresCrudTests(PostgresStore store) : CrudTests<PostgresStore>(store);
