using System.Net;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>What a searchset holds: _total, _summary (true, text, data, count, false), _elements, entry modes and full URLs.</summary>
public abstract class ResultShapeTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private const string Subsetted = "SUBSETTED";

    private Task<Patient> CreateFullPatientAsync() => CreateAsync(new Patient
    {
        Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Ngô Thị Mai</div>" },
        Name = [new HumanName { Family = "Ngô", Given = ["Thị", "Mai"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1992-08-19",
        MaritalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M"),
        Contact = [new Patient.ContactComponent { Name = new HumanName { Family = "Ngô", Given = ["Văn", "Tâm"] } }],
        Communication = [new Patient.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", "vi") }],
    });

    /// <summary>The first entry's resource as raw JSON, so the test sees exactly which elements were sent.</summary>
    private async Task<JsonObject> FirstResourceAsync(string query)
    {
        var response = await Client.GetAsync(Scoped(query));
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        var bundle = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return bundle["entry"]![0]!["resource"]!.AsObject();
    }

    private static bool IsSubsetted(JsonObject resource) =>
        resource["meta"]?["tag"]?.AsArray().Any(t => t?["code"]?.GetValue<string>() == Subsetted) ?? false;

    private static void AssertElements(JsonObject resource, string[] present, string[] absent)
    {
        foreach (var name in present) Assert.True(resource.ContainsKey(name), $"'{name}' is missing from {resource.ToJsonString()}");
        foreach (var name in absent) Assert.False(resource.ContainsKey(name), $"'{name}' should have been left out of {resource.ToJsonString()}");
    }

    [Fact]
    public async Task Summary_true_sends_only_summary_elements_and_marks_them_subsetted()
    {
        await CreateFullPatientAsync();
        var patient = await FirstResourceAsync("Patient?_summary=true");
        AssertElements(patient, ["id", "meta", "name", "gender", "birthDate"], ["text", "maritalStatus", "contact", "communication"]);
        Assert.True(IsSubsetted(patient));
    }

    [Fact]
    public async Task Summary_text_sends_the_narrative_and_summary_data_leaves_it_out()
    {
        await CreateFullPatientAsync();
        var text = await FirstResourceAsync("Patient?_summary=text");
        AssertElements(text, ["id", "meta", "text"], ["name", "birthDate", "contact"]);
        Assert.True(IsSubsetted(text));
        var data = await FirstResourceAsync("Patient?_summary=data");
        AssertElements(data, ["id", "name", "birthDate", "maritalStatus", "contact", "communication"], ["text"]);
        Assert.True(IsSubsetted(data));
    }

    [Fact]
    public async Task Summary_false_sends_the_whole_resource()
    {
        await CreateFullPatientAsync();
        var patient = await FirstResourceAsync("Patient?_summary=false");
        AssertElements(patient, ["id", "meta", "text", "name", "maritalStatus", "contact", "communication"], []);
        Assert.False(IsSubsetted(patient));
    }

    [Fact]
    public async Task Elements_sends_the_named_elements_and_the_mandatory_ones()
    {
        await CreateFullPatientAsync();
        var patient = await FirstResourceAsync("Patient?_elements=name,birthDate");
        AssertElements(patient, ["resourceType", "id", "meta", "name", "birthDate"], ["gender", "text", "contact", "maritalStatus"]);
        Assert.True(IsSubsetted(patient));

        await CreateAsync(new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference("Patient/" + Unique()), Value = new Quantity(72, "/min"),
        });
        // status and code are mandatory in Observation, so they come along with what was asked for.
        var observation = await FirstResourceAsync("Observation?_elements=subject");
        AssertElements(observation, ["id", "meta", "subject", "status", "code"], ["valueQuantity"]);
    }

    [Fact]
    public async Task Total_none_leaves_the_total_out_and_accurate_counts_every_match()
    {
        for (var i = 0; i < 3; i++) await CreateFullPatientAsync();
        Assert.Null((await SearchAsync("Patient?_total=none")).Total);
        Assert.Equal(3, (await SearchAsync("Patient?_total=accurate&_count=1")).Total);
        Assert.Equal(3, (await SearchAsync("Patient?_total=estimate&_count=2")).Total);
        // Without _total, a total that costs nothing (all matches on the first page) is still given.
        Assert.Equal(3, (await SearchAsync("Patient")).Total);
    }

    [Fact]
    public async Task Total_accurate_equals_the_number_of_matches()
    {
        var patients = new List<Patient>();
        for (var i = 0; i < 6; i++) patients.Add(await CreateAsync(new Patient { Gender = i % 3 == 0 ? AdministrativeGender.Male : AdministrativeGender.Female }));
        var bundle = await SearchAsync("Patient?gender=female&_total=accurate&_count=2");
        Assert.Equal(patients.Count(p => p.Gender == AdministrativeGender.Female), bundle.Total);
    }

    [Fact]
    public async Task Entries_carry_their_full_url_and_search_mode()
    {
        var patient = await CreateFullPatientAsync();
        var bundle = await SearchAsync("Patient");
        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        var entry = Assert.Single(bundle.Entry);
        Assert.Equal($"{BaseUrl}/Patient/{patient.Id}", entry.FullUrl);
        Assert.Equal(Bundle.SearchEntryMode.Match, entry.Search.Mode);
    }

    [Theory]
    [InlineData("Patient?_total=bogus", "_total")]
    [InlineData("Patient?_summary=bogus", "_summary")]
    public async Task Bad_result_parameters_are_refused_with_400(string query, string named)
    {
        Assert.Contains(named, await BadRequestAsync(query));
    }
}

public sealed class SqliteResultShapeTests(SqliteStore store) : ResultShapeTests<SqliteStore>(store);

public sealed class PostgresResultShapeTests(PostgresStore store) : ResultShapeTests<PostgresStore>(store);
