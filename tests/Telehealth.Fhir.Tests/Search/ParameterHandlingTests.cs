using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>Unknown and malformed parameters (lenient and strict handling), and POST _search.</summary>
public abstract class ParameterHandlingTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private async Task<(Patient Pham, Patient Vu)> CreateTwoAsync() => (
        await CreateLabelledAsync("Phạm", new Patient { Name = [new HumanName { Family = "Phạm", Given = ["Hương"] }], BirthDate = "1988" }),
        await CreateLabelledAsync("Vũ", new Patient { Name = [new HumanName { Family = "Vũ", Given = ["Long"] }], BirthDate = "1979" }));

    [Fact]
    public async Task Unknown_parameters_are_ignored_by_default_and_left_out_of_the_self_link()
    {
        var (pham, _) = await CreateTwoAsync();
        var bundle = await SearchAsync("Patient?family=pham&khongco=1&name:mohinh=x&_include=Patient:khongco");
        Assert.Equal([pham.Id], MatchIds(bundle));
        var self = Link(bundle, "self")!;
        Assert.Contains("family=pham", self);
        Assert.Contains(Tag, self);
        Assert.DoesNotContain("khongco", self);
        Assert.DoesNotContain("mohinh", self);
    }

    [Theory]
    [InlineData("Patient?khongco=1", "khongco")]
    [InlineData("Patient?name:mohinh=x", "mohinh")]
    [InlineData("Patient?_include=Patient:khongco", "khongco")]
    [InlineData("Patient?_revinclude=Benhnhan:patient", "Benhnhan")]
    [InlineData("Patient?organization:Benhvien.name=x", "Benhvien")]
    [InlineData("Patient?name=", "name")]
    public async Task Unknown_parameters_are_refused_with_400_naming_them_under_strict_handling(string query, string named)
    {
        Assert.Contains(named, await BadRequestAsync(query, strict: true));
    }

    [Theory]
    [InlineData("Patient?birthdate=notadate", "birthdate")]
    [InlineData("Observation?value-quantity=abc", "value-quantity")]
    [InlineData("Patient?gender:missing=maybe", "gender")]
    [InlineData("Observation?subject=Benhnhan/1", "Benhnhan")]
    [InlineData("Observation?code-value-quantity=8480-6", "code-value-quantity")]
    public async Task A_bad_search_value_is_refused_with_400_even_without_strict_handling(string query, string named)
    {
        Assert.Contains(named, await BadRequestAsync(query));
    }

    [Fact]
    public async Task Format_and_pretty_are_accepted_even_under_strict_handling()
    {
        var (pham, _) = await CreateTwoAsync();
        var response = await GetAsync(Scoped("Patient?family=pham&_format=json&_pretty=true"), strict: true);
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal([pham.Id], MatchIds(await FhirHttp.ReadAsync<Bundle>(response)));
    }

    [Theory]
    [InlineData("family=pham")]
    [InlineData("birthdate=lt1990&_sort=-birthdate")]
    [InlineData("name=" + "v%C5%A9,ph%E1%BA%A1m&_count=1&_total=accurate")]
    [InlineData("family=vu&_revinclude=Observation:subject&_include=Patient:organization")]
    public async Task Post_search_with_a_form_body_finds_the_same_as_get(string parameters)
    {
        var (pham, vu) = await CreateTwoAsync();
        await CreateAsync(new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4"), Subject = new ResourceReference($"Patient/{vu.Id}") });
        var query = $"{parameters}&{TagParameter}";
        var viaGet = await Client.SearchAsync($"Patient?{query}");

        var form = new FormUrlEncodedContent(query.Split('&').Select(p => p.Split('=', 2))
            .Select(kv => KeyValuePair.Create(Uri.UnescapeDataString(kv[0]), Uri.UnescapeDataString(kv[1]))));
        var response = await Client.PostAsync("Patient/_search", form);
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        var viaPost = await FhirHttp.ReadAsync<Bundle>(response);

        Assert.NotEmpty(viaGet.Entry);
        Assert.Equal(viaGet.Entry.Select(e => (e.FullUrl, e.Search.Mode)), viaPost.Entry.Select(e => (e.FullUrl, e.Search.Mode)));
        Assert.Equal(viaGet.Total, viaPost.Total);
        Assert.Equal(Link(viaGet, "self"), Link(viaPost, "self"));
    }

    [Fact]
    public async Task Post_search_combines_the_query_string_and_the_form_body()
    {
        var (pham, _) = await CreateTwoAsync();
        var form = new FormUrlEncodedContent([KeyValuePair.Create("family", "pham")]);
        var response = await Client.PostAsync($"Patient/_search?{TagParameter}", form);
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal([pham.Id], MatchIds(await FhirHttp.ReadAsync<Bundle>(response)));
    }

    [Fact]
    public async Task Post_search_without_a_form_body_is_refused_with_400()
    {
        var response = await Client.PostAsync("Patient/_search", FhirHttp.Content("{\"family\":\"pham\"}", "application/json"));
        await FhirHttp.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("x-www-form-urlencoded", await FhirHttp.OutcomeTextAsync(response));
    }
}

public sealed class SqliteParameterHandlingTests(SqliteStore store) : ParameterHandlingTests<SqliteStore>(store);

public sealed class PostgresParameterHandlingTests(PostgresStore store) : ParameterHandlingTests<PostgresStore>(store);
