using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>JSON Patch (RFC 6902) and FHIRPath Patch: each applied patch is a new version; a refused one changes nothing.</summary>
public abstract class PatchTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private const string JsonPatchType = "application/json-patch+json";

    private HttpClient Client => store.Host.Client;

    private static Patient NewPatient() => new()
    {
        Identifier = [new Identifier("https://telehealth.vn/fhir/sid/cccd", "0790" + Random.Shared.NextInt64(10_000_000, 99_999_999))],
        Name = [new HumanName { Family = "Huỳnh", Given = ["Thị", "Mai"] }],
        Telecom =
        [
            new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+84 91 000 1111"),
            new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "mai@example.vn"),
        ],
        Gender = AdministrativeGender.Female,
        BirthDate = "1985-07-30",
    };

    private Task<HttpResponseMessage> PatchAsync(string url, string body, string mediaType, string? ifMatch = null) =>
        Client.SendAsync(FhirHttp.Request(HttpMethod.Patch, url, FhirHttp.Content(body, mediaType),
            ifMatch is null ? [] : [("If-Match", ifMatch)]));

    private Task<HttpResponseMessage> PatchAsync(string url, Parameters patch, string? ifMatch = null) =>
        PatchAsync(url, System.Text.Json.JsonSerializer.Serialize(patch, FhirHttp.Json), "application/fhir+json", ifMatch);

    /// <summary>Expects 200 with the next version, and returns the resource as now stored.</summary>
    private async Task<Patient> AppliedAsync(HttpResponseMessage response, Patient before)
    {
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        var returned = await FhirHttp.ReadAsync<Patient>(response);
        var expected = $"{int.Parse(before.Meta.VersionId) + 1}";
        Assert.Equal(expected, returned.Meta.VersionId);
        Assert.Equal($"W/\"{expected}\"", response.Headers.ETag?.ToString());
        var stored = await FhirHttp.ReadAsync<Patient>(await Client.GetAsync($"Patient/{before.Id}"));
        Assert.Equal(expected, stored.Meta.VersionId);
        return stored;
    }

    private static Parameters FhirPathPatch(params (string Type, string Path, (string Name, DataType Value)[] Parts)[] operations)
    {
        var patch = new Parameters();
        foreach (var (type, path, parts) in operations)
        {
            var operation = new Parameters.ParameterComponent { Name = "operation" };
            operation.Part.Add(new Parameters.ParameterComponent { Name = "type", Value = new Code(type) });
            operation.Part.Add(new Parameters.ParameterComponent { Name = "path", Value = new FhirString(path) });
            foreach (var (name, value) in parts) operation.Part.Add(new Parameters.ParameterComponent { Name = name, Value = value });
            patch.Parameter.Add(operation);
        }
        return patch;
    }

    [Fact]
    public async Task Json_patch_add_replace_and_remove_each_make_a_new_version()
    {
        var v1 = await Client.CreateAsync(NewPatient());

        var v2 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", """[{"op":"add","path":"/name/0/given/-","value":"Ngọc"}]""", JsonPatchType), v1);
        Assert.Equal(["Thị", "Mai", "Ngọc"], v2.Name[0].Given);

        var v3 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", """[{"op":"replace","path":"/birthDate","value":"1985-08-01"}]""", JsonPatchType), v2);
        Assert.Equal("1985-08-01", v3.BirthDate);

        var v4 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", """[{"op":"remove","path":"/telecom/1"},{"op":"remove","path":"/gender"}]""", JsonPatchType), v3);
        Assert.Null(v4.Gender);
        Assert.Equal(["+84 91 000 1111"], v4.Telecom.Select(t => t.Value));

        var history = await Client.SearchAsync($"Patient/{v1.Id}/_history");
        Assert.Equal(["4", "3", "2", "1"], history.Entry.Select(e => e.Resource.Meta.VersionId));
        Assert.Equal("1985-07-30", (await FhirHttp.ReadAsync<Patient>(await Client.GetAsync($"Patient/{v1.Id}/_history/2"))).BirthDate);
    }

    [Fact]
    public async Task Json_patch_test_that_passes_lets_the_patch_apply_and_one_that_fails_answers_422_and_changes_nothing()
    {
        var v1 = await Client.CreateAsync(NewPatient());
        var v2 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}",
            """[{"op":"test","path":"/gender","value":"female"},{"op":"replace","path":"/gender","value":"other"}]""", JsonPatchType), v1);
        Assert.Equal(AdministrativeGender.Other, v2.Gender);

        var before = await Client.RawAsync($"Patient/{v1.Id}");
        var failed = await PatchAsync($"Patient/{v1.Id}",
            """[{"op":"replace","path":"/birthDate","value":"2000-01-01"},{"op":"test","path":"/gender","value":"female"}]""", JsonPatchType);
        await FhirHttp.ExpectAsync(failed, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("/gender", await FhirHttp.OutcomeTextAsync(failed));
        Assert.Equal(before, await Client.RawAsync($"Patient/{v1.Id}"));
    }

    [Fact]
    public async Task Fhirpath_patch_add_and_insert_put_elements_where_asked()
    {
        var v1 = await Client.CreateAsync(NewPatient());

        var v2 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(
            ("add", "Patient", [("name", new FhirString("telecom")), ("value", new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, "+84 28 3822 0000"))]))), v1);
        Assert.Equal(["+84 91 000 1111", "mai@example.vn", "+84 28 3822 0000"], v2.Telecom.Select(t => t.Value));

        var v3 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(
            ("insert", "Patient.identifier", [("index", new Integer(0)), ("value", new Identifier("https://telehealth.vn/fhir/sid/bhyt", "DN4797912345678"))]))), v2);
        Assert.Equal(["https://telehealth.vn/fhir/sid/bhyt", "https://telehealth.vn/fhir/sid/cccd"], v3.Identifier.Select(i => i.System));

        var v4 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(
            ("add", "Patient", [("name", new FhirString("active")), ("value", new FhirBoolean(true))]))), v3);
        Assert.True(v4.Active);
    }

    [Fact]
    public async Task Fhirpath_patch_insert_into_a_list_the_resource_does_not_have_yet_creates_it()
    {
        var v1 = await Client.CreateAsync(NewPatient());
        var v2 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(
            ("insert", "Patient.address", [("index", new Integer(0)), ("value", new Address { City = "Cần Thơ", Country = "VN" })]))), v1);
        Assert.Equal("Cần Thơ", v2.Address.Single().City);
    }

    [Fact]
    public async Task Fhirpath_patch_delete_replace_and_move_change_what_the_path_selects()
    {
        var v1 = await Client.CreateAsync(NewPatient());
        v1.Identifier.Add(new Identifier("https://telehealth.vn/fhir/sid/bhyt", "HT3797912345678"));
        v1 = await Client.PutAsync(v1);

        var v3 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(
            ("delete", "Patient.telecom.where(system = 'email')", []))), v1);
        Assert.Equal([ContactPoint.ContactPointSystem.Phone], v3.Telecom.Select(t => t.System!.Value));

        var v4 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(
            ("replace", "Patient.name[0].family", [("value", new FhirString("Huỳnh Lê"))]),
            ("replace", "Patient.birthDate", [("value", new Date("1985-07-31"))]))), v3);
        Assert.Equal("Huỳnh Lê", v4.Name[0].Family);
        Assert.Equal("1985-07-31", v4.BirthDate);

        var v5 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(
            ("move", "Patient.identifier", [("source", new Integer(1)), ("destination", new Integer(0))]))), v4);
        Assert.Equal(["https://telehealth.vn/fhir/sid/bhyt", "https://telehealth.vn/fhir/sid/cccd"], v5.Identifier.Select(i => i.System));
    }

    [Fact]
    public async Task Fhirpath_patch_that_is_ambiguous_or_malformed_is_refused_and_changes_nothing()
    {
        var created = await Client.CreateAsync(NewPatient());
        var before = await Client.RawAsync($"Patient/{created.Id}");

        var ambiguous = await PatchAsync($"Patient/{created.Id}", FhirPathPatch(("replace", "Patient.name.given", [("value", new FhirString("Lan"))])));
        await FhirHttp.ExpectAsync(ambiguous, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Patient.name.given", await FhirHttp.OutcomeTextAsync(ambiguous));

        var badPath = await PatchAsync($"Patient/{created.Id}", FhirPathPatch(("delete", "Patient.telecom.where(", [])));
        await FhirHttp.ExpectAsync(badPath, HttpStatusCode.BadRequest);
        Assert.Contains("Patient.telecom.where(", await FhirHttp.OutcomeTextAsync(badPath));

        var unknownFunction = await PatchAsync($"Patient/{created.Id}", FhirPathPatch(("delete", "Patient.telecom.frobnicate()", [])));
        await FhirHttp.ExpectAsync(unknownFunction, HttpStatusCode.BadRequest);
        Assert.Contains("frobnicate", await FhirHttp.OutcomeTextAsync(unknownFunction));

        var wrongType = await PatchAsync($"Patient/{created.Id}", FhirPathPatch(("replace", "Patient.birthDate", [("value", new FhirBoolean(true))])));
        await FhirHttp.ExpectAsync(wrongType, HttpStatusCode.UnprocessableEntity);

        var unknownType = await PatchAsync($"Patient/{created.Id}", FhirPathPatch(("upsert", "Patient.birthDate", [("value", new Date("1990-01-01"))])));
        await FhirHttp.ExpectAsync(unknownType, HttpStatusCode.BadRequest);
        Assert.Contains("upsert", await FhirHttp.OutcomeTextAsync(unknownType));

        Assert.Equal(before, await Client.RawAsync($"Patient/{created.Id}"));
    }

    [Fact]
    public async Task Patch_honours_If_Match()
    {
        var v1 = await Client.CreateAsync(NewPatient());
        var v2 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", """[{"op":"replace","path":"/gender","value":"other"}]""", JsonPatchType, "W/\"1\""), v1);
        var before = await Client.RawAsync($"Patient/{v1.Id}");

        var stale = await PatchAsync($"Patient/{v1.Id}", """[{"op":"replace","path":"/gender","value":"male"}]""", JsonPatchType, "W/\"1\"");
        await FhirHttp.ExpectAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.Contains("version 2", await FhirHttp.OutcomeTextAsync(stale));
        var staleFhirPath = await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(("replace", "Patient.gender", [("value", new Code("male"))])), "W/\"1\"");
        await FhirHttp.ExpectAsync(staleFhirPath, HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, await Client.RawAsync($"Patient/{v1.Id}"));

        var v3 = await AppliedAsync(await PatchAsync($"Patient/{v1.Id}", FhirPathPatch(("replace", "Patient.gender", [("value", new Code("male"))])), "W/\"2\""), v2);
        Assert.Equal(AdministrativeGender.Male, v3.Gender);
    }

    [Fact]
    public async Task A_patch_cannot_change_the_id_and_a_missing_or_deleted_resource_is_reported()
    {
        var created = await Client.CreateAsync(NewPatient());
        var before = await Client.RawAsync($"Patient/{created.Id}");

        var json = await PatchAsync($"Patient/{created.Id}", """[{"op":"replace","path":"/id","value":"stolen"}]""", JsonPatchType);
        await FhirHttp.ExpectAsync(json, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("id", await FhirHttp.OutcomeTextAsync(json));
        var fhirPath = await PatchAsync($"Patient/{created.Id}", FhirPathPatch(("replace", "Patient.id", [("value", new Id("stolen"))])));
        await FhirHttp.ExpectAsync(fhirPath, HttpStatusCode.UnprocessableEntity);
        var removeId = await PatchAsync($"Patient/{created.Id}", """[{"op":"remove","path":"/id"}]""", JsonPatchType);
        await FhirHttp.ExpectAsync(removeId, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(before, await Client.RawAsync($"Patient/{created.Id}"));
        Assert.Equal("404", await Client.RawAsync("Patient/stolen"));

        var missing = await PatchAsync("Patient/no-such-patient", """[{"op":"remove","path":"/gender"}]""", JsonPatchType);
        await FhirHttp.ExpectAsync(missing, HttpStatusCode.NotFound);
        await FhirHttp.ExpectAsync(await Client.DeleteAsync($"Patient/{created.Id}"), HttpStatusCode.NoContent);
        var gone = await PatchAsync($"Patient/{created.Id}", """[{"op":"remove","path":"/gender"}]""", JsonPatchType);
        await FhirHttp.ExpectAsync(gone, HttpStatusCode.Gone);
    }
}

public sealed class SqlitePatchTests(SqliteStore store) : PatchTests<SqliteStore>(store);

public sealed class PostgresPatchTests(PostgresStore store) : PatchTests<PostgresStore>(store);
