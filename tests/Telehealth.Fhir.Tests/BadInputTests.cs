using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>
/// Bad requests are refused with an OperationOutcome a person can act on, and change nothing: every case reads the
/// store (the resource, and the newest entry of the system history) before and after.
/// </summary>
public abstract class BadInputTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Client => store.Host.Client;

    private static Patient NewPatient(string marker) => new()
    {
        Identifier = [new Identifier("urn:test:bad-input", marker)],
        Name = [new HumanName { Family = "Nguyễn", Given = ["Văn", "An"] }],
        BirthDate = "1980-03-14",
    };

    private static string Marker() => "BI" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The store as a test sees it: the newest change of all, and the current JSON of one resource.</summary>
    private async Task<(string Latest, string Resource)> SnapshotAsync(string url) =>
        (await Client.LatestChangeAsync(), await Client.RawAsync(url));

    private static async Task<string> RefusedAsync(HttpResponseMessage response, HttpStatusCode status, params string[] mentions)
    {
        await FhirHttp.ExpectAsync(response, status);
        var text = await FhirHttp.OutcomeTextAsync(response);
        foreach (var mention in mentions) Assert.Contains(mention, text);
        return text;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string body, string mediaType = "application/fhir+json",
        params (string, string)[] headers) =>
        Client.SendAsync(FhirHttp.Request(method, url, FhirHttp.Content(body, mediaType), headers));

    [Fact]
    public async Task Malformed_json_is_refused_with_400_on_create_and_update_and_stores_nothing()
    {
        var existing = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{existing.Id}");

        await RefusedAsync(await SendAsync(HttpMethod.Post, "Patient", """{"resourceType":"Patient","name":[{"family":"Lê"}"""),
            HttpStatusCode.BadRequest, "JSON");
        await RefusedAsync(await SendAsync(HttpMethod.Put, $"Patient/{existing.Id}", """{"resourceType":"Patient","id":"x" "active":true}"""),
            HttpStatusCode.BadRequest, "JSON");
        await RefusedAsync(await SendAsync(HttpMethod.Post, "Patient", ""), HttpStatusCode.BadRequest, "empty");

        Assert.Equal(before, await SnapshotAsync($"Patient/{existing.Id}"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"Patient\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"resourceType":"Bệnhnhân","active":true}""")]
    [InlineData("""{"active":true}""")]
    public async Task A_body_that_is_json_but_no_resource_is_refused_with_400(string body)
    {
        var before = await Client.LatestChangeAsync();
        var response = await SendAsync(HttpMethod.Post, "Patient", body);
        await FhirHttp.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.NotEmpty(await FhirHttp.OutcomeTextAsync(response));
        Assert.Equal(before, await Client.LatestChangeAsync());
    }

    [Fact]
    public async Task A_body_in_a_format_other_than_json_is_refused_with_415()
    {
        var existing = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{existing.Id}");

        await RefusedAsync(await SendAsync(HttpMethod.Post, "Patient", """<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient>""", "application/fhir+xml"),
            HttpStatusCode.UnsupportedMediaType, "application/fhir+xml", "application/fhir+json");
        await RefusedAsync(await SendAsync(HttpMethod.Put, $"Patient/{existing.Id}", "resourceType=Patient", "application/x-www-form-urlencoded"),
            HttpStatusCode.UnsupportedMediaType, "application/x-www-form-urlencoded");
        // Plain JSON is FHIR JSON to this server.
        await FhirHttp.ExpectAsync(await SendAsync(HttpMethod.Post, "Patient", """{"resourceType":"Patient","active":true}""", "application/json"),
            HttpStatusCode.Created);

        Assert.Equal(before.Resource, await Client.RawAsync($"Patient/{existing.Id}"));
    }

    [Fact]
    public async Task A_body_whose_resourceType_differs_from_the_url_is_refused_with_400()
    {
        var existing = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{existing.Id}");
        var observation = new Observation { Id = existing.Id, Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4") };

        await RefusedAsync(await Client.PostAsync("Patient", FhirHttp.Content(observation)), HttpStatusCode.BadRequest, "Observation", "Patient");
        await RefusedAsync(await Client.PutAsync($"Patient/{existing.Id}", FhirHttp.Content(observation)), HttpStatusCode.BadRequest, "Observation", "Patient");

        Assert.Equal(before, await SnapshotAsync($"Patient/{existing.Id}"));
        Assert.Equal("404", await Client.RawAsync($"Observation/{existing.Id}"));
    }

    [Fact]
    public async Task Update_whose_body_id_differs_from_the_url_is_refused_with_400_and_touches_neither_id()
    {
        var existing = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{existing.Id}");
        var otherId = "other-" + Guid.NewGuid().ToString("N")[..8];
        var body = NewPatient(Marker());
        body.Id = otherId;

        await RefusedAsync(await Client.PutAsync($"Patient/{existing.Id}", FhirHttp.Content(body)), HttpStatusCode.BadRequest, otherId, existing.Id);
        body.Id = null;
        await RefusedAsync(await Client.PutAsync($"Patient/{existing.Id}", FhirHttp.Content(body)), HttpStatusCode.BadRequest, "no id");

        Assert.Equal(before, await SnapshotAsync($"Patient/{existing.Id}"));
        Assert.Equal("404", await Client.RawAsync($"Patient/{otherId}"));
    }

    [Fact]
    public async Task An_unknown_element_is_refused_with_400_naming_it()
    {
        var existing = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{existing.Id}");

        await RefusedAsync(await SendAsync(HttpMethod.Post, "Patient", """{"resourceType":"Patient","foo":"bar"}"""),
            HttpStatusCode.BadRequest, "Patient.foo");
        await RefusedAsync(await SendAsync(HttpMethod.Put, $"Patient/{existing.Id}",
                $$"""{"resourceType":"Patient","id":"{{existing.Id}}","name":[{"family":"Lê","nickname":"Tí"}]}"""),
            HttpStatusCode.BadRequest, "nickname");

        Assert.Equal(before, await SnapshotAsync($"Patient/{existing.Id}"));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_with_400_naming_the_element()
    {
        var existing = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{existing.Id}");

        await RefusedAsync(await SendAsync(HttpMethod.Post, "Patient", """{"resourceType":"Patient","birthDate":12}"""),
            HttpStatusCode.BadRequest, "Patient.birthDate");
        await RefusedAsync(await SendAsync(HttpMethod.Put, $"Patient/{existing.Id}",
                $$"""{"resourceType":"Patient","id":"{{existing.Id}}","active":"yes"}"""),
            HttpStatusCode.BadRequest, "Patient.active");
        await RefusedAsync(await SendAsync(HttpMethod.Post, "Patient", """{"resourceType":"Patient","birthDate":"14/03/1980"}"""),
            HttpStatusCode.BadRequest, "birthDate");

        Assert.Equal(before, await SnapshotAsync($"Patient/{existing.Id}"));
    }

    [Fact]
    public async Task An_unknown_resource_type_in_the_url_answers_404_naming_it()
    {
        var before = await Client.LatestChangeAsync();

        await RefusedAsync(await Client.GetAsync("Patientt/1"), HttpStatusCode.NotFound, "Patientt");
        await RefusedAsync(await Client.GetAsync("Patientt?name=An"), HttpStatusCode.NotFound, "Patientt");
        await RefusedAsync(await SendAsync(HttpMethod.Post, "Patientt", """{"resourceType":"Patient"}"""), HttpStatusCode.NotFound, "Patientt");
        await RefusedAsync(await SendAsync(HttpMethod.Put, "Patientt/1", """{"resourceType":"Patient","id":"1"}"""), HttpStatusCode.NotFound, "Patientt");
        await RefusedAsync(await Client.DeleteAsync("Patientt/1"), HttpStatusCode.NotFound, "Patientt");

        Assert.Equal(before, await Client.LatestChangeAsync());
    }

    [Fact]
    public async Task A_path_or_method_the_api_does_not_have_answers_with_an_OperationOutcome()
    {
        var existing = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{existing.Id}");

        await RefusedAsync(await Client.GetAsync($"Patient/{existing.Id}/_history/1/extra"), HttpStatusCode.NotFound, $"Patient/{existing.Id}/_history/1/extra");
        await RefusedAsync(await SendAsync(HttpMethod.Post, $"Patient/{existing.Id}", """{"resourceType":"Patient"}"""),
            HttpStatusCode.MethodNotAllowed, "POST");
        var typePatch = await SendAsync(HttpMethod.Patch, "Patient", "[]", "application/json-patch+json");
        await RefusedAsync(typePatch, HttpStatusCode.MethodNotAllowed, "PATCH");
        Assert.Contains("POST", typePatch.Content.Headers.Allow);

        Assert.Equal(before, await SnapshotAsync($"Patient/{existing.Id}"));
    }

    [Fact]
    public async Task An_id_that_is_not_a_valid_FHIR_id_is_refused_with_400()
    {
        var before = await Client.LatestChangeAsync();
        var tooLong = new string('a', 65);
        await RefusedAsync(await SendAsync(HttpMethod.Put, $"Patient/{tooLong}", $$"""{"resourceType":"Patient","id":"{{tooLong}}"}"""),
            HttpStatusCode.BadRequest, tooLong);
        await RefusedAsync(await SendAsync(HttpMethod.Put, "Patient/bn_01", """{"resourceType":"Patient","id":"bn_01"}"""),
            HttpStatusCode.BadRequest, "bn_01");
        Assert.Equal(before, await Client.LatestChangeAsync());
    }

    [Fact]
    public async Task An_update_with_a_stale_If_Match_is_refused_with_412_and_keeps_the_current_version()
    {
        var created = await Client.CreateAsync(NewPatient(Marker()));
        created.Active = true;
        await Client.PutAsync(created);
        var before = await SnapshotAsync($"Patient/{created.Id}");

        created.Active = false;
        await RefusedAsync(await Client.SendAsync(FhirHttp.Request(HttpMethod.Put, $"Patient/{created.Id}", FhirHttp.Content(created), ("If-Match", "W/\"1\""))),
            HttpStatusCode.PreconditionFailed, "version 2");
        await RefusedAsync(await Client.SendAsync(FhirHttp.Request(HttpMethod.Put, $"Patient/{created.Id}", FhirHttp.Content(created), ("If-Match", "\"banana\""))),
            HttpStatusCode.BadRequest, "If-Match");

        Assert.Equal(before, await SnapshotAsync($"Patient/{created.Id}"));
    }

    [Fact]
    public async Task A_transaction_whose_third_entry_is_invalid_is_refused_whole_naming_that_entry()
    {
        var marker = Marker();
        var before = await Client.LatestChangeAsync();
        var mismatched = NewPatient(marker);
        mismatched.Id = "not-the-url-id";
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(PostEntry(NewPatient(marker)));
        bundle.Entry.Add(PostEntry(new Practitioner { Identifier = [new Identifier("urn:test:bad-input", marker)] }));
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            Resource = mismatched,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "Patient/the-url-id" },
        });

        await RefusedAsync(await Client.PostAsync("", FhirHttp.Content(bundle)), HttpStatusCode.BadRequest,
            "Bundle.entry[2]", "PUT Patient/the-url-id", "not-the-url-id", "nothing was stored");

        Assert.Equal(before, await Client.LatestChangeAsync());
        Assert.Equal(0, await Client.CountAsync("Patient", $"identifier={marker}"));
        Assert.Equal(0, await Client.CountAsync("Practitioner", $"identifier={marker}"));
        Assert.Equal("404", await Client.RawAsync("Patient/the-url-id"));
    }

    [Fact]
    public async Task A_transaction_entry_naming_an_unknown_type_or_holding_an_invalid_resource_refuses_the_bundle()
    {
        var marker = Marker();
        var before = await Client.LatestChangeAsync();
        var unknownType = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","identifier":[{"system":"urn:test:bad-input","value":"{{{marker}}}"}]},"request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Patient","identifier":[{"system":"urn:test:bad-input","value":"{{{marker}}}"}]},"request":{"method":"POST","url":"Patient"}},
              {"request":{"method":"DELETE","url":"Bệnhnhân/1"}}]}
            """;
        await RefusedAsync(await SendAsync(HttpMethod.Post, "", unknownType), HttpStatusCode.NotFound, "Bundle.entry[2]", "Bệnhnhân");

        var wrongValue = unknownType.Replace("""{"request":{"method":"DELETE","url":"Bệnhnhân/1"}}""",
            """{"resource":{"resourceType":"Patient","birthDate":12},"request":{"method":"POST","url":"Patient"}}""");
        await RefusedAsync(await SendAsync(HttpMethod.Post, "", wrongValue), HttpStatusCode.BadRequest, "Bundle.entry[2].resource", "birthDate");

        Assert.Equal(before, await Client.LatestChangeAsync());
        Assert.Equal(0, await Client.CountAsync("Patient", $"identifier={marker}"));
    }

    [Theory]
    [InlineData("""[{"op":"replace","path":"/active",""", "JSON")]
    [InlineData("""{"op":"replace","path":"/active","value":true}""", "array")]
    [InlineData("""[{"op":"frobnicate","path":"/active","value":true}]""", "frobnicate")]
    [InlineData("""[{"op":5,"path":"/active","value":true}]""", "'op'")]
    [InlineData("""[{"op":"replace","path":["active"],"value":true}]""", "'path'")]
    [InlineData("""[{"op":"replace","path":"active","value":true}]""", "JSON Pointer")]
    [InlineData("""[{"op":"replace","path":"/birthDate"}]""", "'value'")]
    [InlineData("""[{"op":"remove","path":"/telecom/0"}]""", "/telecom/0")]
    [InlineData("""[{"op":"add","path":"/active","value":true},{"op":"add","path":"/name/0/given/7","value":"Bé"}]""", "operation 1")]
    [InlineData("""[{"op":"add","path":"/foo","value":"bar"}]""", "Patient.foo")]
    [InlineData("""[{"op":"replace","path":"/birthDate","value":12}]""", "Patient.birthDate")]
    public async Task A_bad_json_patch_is_refused_and_leaves_the_resource_unchanged(string patch, string mention)
    {
        var created = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{created.Id}");

        var response = await SendAsync(HttpMethod.Patch, $"Patient/{created.Id}", patch, "application/json-patch+json");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"Expected 400 or 422, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Contains(mention, await FhirHttp.OutcomeTextAsync(response));

        Assert.Equal(before, await SnapshotAsync($"Patient/{created.Id}"));
    }

    [Fact]
    public async Task A_patch_in_an_unsupported_content_type_is_refused_with_415()
    {
        var created = await Client.CreateAsync(NewPatient(Marker()));
        var before = await SnapshotAsync($"Patient/{created.Id}");

        await RefusedAsync(await SendAsync(HttpMethod.Patch, $"Patient/{created.Id}", "<Patient/>", "application/xml"),
            HttpStatusCode.UnsupportedMediaType, "application/json-patch+json", "application/xml");
        await RefusedAsync(await SendAsync(HttpMethod.Patch, $"Patient/{created.Id}", "active=false", "text/plain"),
            HttpStatusCode.UnsupportedMediaType, "text/plain");

        Assert.Equal(before, await SnapshotAsync($"Patient/{created.Id}"));
    }

    private static Bundle.EntryComponent PostEntry(Resource resource) => new()
    {
        FullUrl = "urn:uuid:" + Guid.NewGuid(),
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
    };
}

public sealed class SqliteBadInputTests(SqliteStore store) : BadInputTests<SqliteStore>(store);

public sealed class PostgresBadInputTests(PostgresStore store) : BadInputTests<PostgresStore>(store);
