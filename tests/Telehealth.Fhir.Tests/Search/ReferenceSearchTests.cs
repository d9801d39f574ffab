using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>Reference parameters (by id, Type/id, type modifier, absolute URL, :identifier, :missing) and uri parameters.</summary>
public abstract class ReferenceSearchTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private const string Cccd = "https://telehealth.vn/fhir/sid/cccd";

    private sealed record World(Patient An, Patient Binh, Group SameIdAsAn, Observation OfAn, Observation OfBinh,
        Observation OfGroup, Observation OfAnByUrl, Observation OfAnVersioned, Observation OfNobody);

    private async Task<World> CreateWorldAsync()
    {
        var an = await CreateAsync(new Patient { Name = [new HumanName { Family = "Phan", Given = ["An"] }] });
        var binh = await CreateAsync(new Patient { Name = [new HumanName { Family = "Hồ", Given = ["Bình"] }] });
        // A Group with the patient's id: "subject=<id>" finds both, "subject:Patient=<id>" only the patient.
        var group = await Client.PutAsync(Tagged(new Group { Id = an.Id, Type = Group.GroupType.Person, Actual = true }));
        return new World(an, binh, group,
            await CreateLabelledAsync("of An", About($"Patient/{an.Id}")),
            await CreateLabelledAsync("of Bình", About($"Patient/{binh.Id}")),
            await CreateLabelledAsync("of the group", About($"Group/{group.Id}")),
            await CreateLabelledAsync("of An by absolute URL", About($"{BaseUrl}/Patient/{an.Id}")),
            await CreateLabelledAsync("of An, version 1", About($"Patient/{an.Id}/_history/1")),
            await CreateLabelledAsync("of nobody", new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4") }));
    }

    private static Observation About(string reference) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4"),
        Subject = new ResourceReference(reference),
    };

    [Fact]
    public async Task Type_and_id_finds_references_to_that_resource_however_written()
    {
        var w = await CreateWorldAsync();
        await AssertFindsAsync($"Observation?subject=Patient/{w.An.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
        await AssertFindsAsync($"Observation?subject=Patient/{w.Binh.Id}", w.OfBinh);
        await AssertFindsAsync($"Observation?subject=Patient/{w.An.Id}/_history/1", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
        await AssertFindsAsync($"Observation?subject=Patient/{w.An.Id},Patient/{w.Binh.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned, w.OfBinh);
    }

    [Fact]
    public async Task Id_alone_matches_any_target_type_and_a_type_modifier_narrows_it()
    {
        var w = await CreateWorldAsync();
        await AssertFindsAsync($"Observation?subject={w.An.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned, w.OfGroup);
        await AssertFindsAsync($"Observation?subject:Patient={w.An.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
        await AssertFindsAsync($"Observation?subject:Group={w.An.Id}", w.OfGroup);
        // "patient" only follows subjects that are patients.
        await AssertFindsAsync($"Observation?patient={w.An.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
    }

    [Fact]
    public async Task An_absolute_URL_to_this_server_matches_relative_references()
    {
        var w = await CreateWorldAsync();
        await AssertFindsAsync($"Observation?subject={Esc($"{BaseUrl}/Patient/{w.An.Id}")}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
    }

    [Fact]
    public async Task A_reference_to_another_server_matches_only_its_url_and_never_the_local_resource_with_that_id()
    {
        var w = await CreateWorldAsync();
        var elsewhere = $"https://his.benhvien-k.example.vn/fhir/Patient/{w.An.Id}";
        var ofElsewhere = await CreateLabelledAsync("of another hospital's patient with An's id", About(elsewhere));
        await AssertFindsAsync($"Observation?subject=Patient/{w.An.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
        await AssertFindsAsync($"Observation?patient={w.An.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
        await AssertFindsAsync($"Observation?subject:Patient.name=Phan", w.OfAn, w.OfAnByUrl, w.OfAnVersioned);
        await AssertFindsAsync($"Observation?subject={Esc(elsewhere)}", ofElsewhere);
        await AssertFindsAsync($"Observation?subject={Esc(elsewhere.Replace("https://his.", "https://pacs."))}");
        await AssertFindsAsync("Observation?subject:missing=false", w.OfAn, w.OfBinh, w.OfGroup, w.OfAnByUrl, w.OfAnVersioned, ofElsewhere);
        // Including the subject brings in nothing for the other server's reference.
        var included = await SearchAsync($"Observation?_id={ofElsewhere.Id}&_include=Observation:subject");
        Assert.Equal([ofElsewhere.Id], included.Entry.Select(e => e.Resource.Id));
    }

    [Fact]
    public async Task A_configured_public_address_of_this_server_makes_its_absolute_references_local()
    {
        var w = await CreateWorldAsync();
        using var behindProxy = new RecordServiceHost(new Dictionary<string, string?>(Store.HostSettings)
        {
            ["Fhir:BaseUrls:0"] = "https://FHIR.Telehealth.example.vn:443/fhir/",
        });
        var publicReference = $"https://fhir.telehealth.example.vn/fhir/Patient/{w.An.Id}";
        var viaProxy = await behindProxy.Client.CreateAsync(Tagged(About(publicReference)));
        Labels[viaProxy.Id] = "of An by the public address, written where it is configured";
        // The instance not told that address takes it for another server's.
        var viaPlain = await CreateLabelledAsync("of An by the public address, written where it is not configured", About(publicReference));

        await AssertFindsAsync($"Observation?subject=Patient/{w.An.Id}", w.OfAn, w.OfAnByUrl, w.OfAnVersioned, viaProxy);
        await AssertFindsAsync($"Observation?subject={Esc(publicReference)}", viaPlain);
        var atProxy = (await behindProxy.Client.IdsAsync(Scoped($"Observation?subject={Esc(publicReference)}"))).Order();
        Assert.Equal(new[] { w.OfAn.Id, w.OfAnByUrl.Id, w.OfAnVersioned.Id, viaProxy.Id }.Order(), atProxy);
    }

    [Fact]
    public async Task Missing_finds_resources_without_the_reference()
    {
        var w = await CreateWorldAsync();
        await AssertFindsAsync("Observation?subject:missing=true", w.OfNobody);
        await AssertFindsAsync("Observation?subject:missing=false", w.OfAn, w.OfBinh, w.OfGroup, w.OfAnByUrl, w.OfAnVersioned);
    }

    [Fact]
    public async Task Identifier_modifier_matches_the_logical_identifier_of_the_reference()
    {
        var number = Unique("0");
        var byIdentifier = await CreateAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference { Identifier = new Identifier(Cccd, number), Display = "Phan An" },
        });
        var other = await CreateAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference { Identifier = new Identifier("urn:other", number) },
        });
        await AssertFindsAsync($"Observation?subject:identifier={Cccd}|{number}", byIdentifier);
        await AssertFindsAsync($"Observation?subject:identifier={number}", byIdentifier, other);
        await AssertFindsAsync($"Observation?subject:identifier={Cccd}|{number}x");
        // A reference given only by its identifier is not missing.
        await AssertFindsAsync("Observation?subject:missing=true");
        await AssertFindsAsync("Observation?subject:missing=false", byIdentifier, other);

        // patient is subject.where(resolve() is Patient): a logical reference that states another type is not a
        // patient's; one that states none may be, and one that states Patient is.
        var ofGroup = await CreateAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference { Type = "Group", Identifier = new Identifier(Cccd, number) },
        });
        var ofPatient = await CreateAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference { Type = "http://hl7.org/fhir/StructureDefinition/Patient", Identifier = new Identifier(Cccd, number) },
        });
        await AssertFindsAsync($"Observation?subject:identifier={Cccd}|{number}", byIdentifier, ofGroup, ofPatient);
        await AssertFindsAsync($"Observation?patient:identifier={Cccd}|{number}", byIdentifier, ofPatient);
    }

    [Fact]
    public async Task A_reference_to_an_unknown_resource_type_is_refused_with_400()
    {
        var text = await BadRequestAsync("Observation?subject=Benhnhan/1");
        Assert.Contains("Benhnhan", text);
    }

    [Fact]
    public async Task Uri_matches_exactly_and_below_matches_by_prefix()
    {
        var root = $"https://telehealth.vn/fhir/{Unique("vs")}";
        var diagnosis = await CreateLabelledAsync("diagnosis", Catalog($"{root}/ValueSet/chan-doan"));
        var drugs = await CreateLabelledAsync("drugs", Catalog($"{root}/ValueSet/thuoc"));
        var drugsV2 = await CreateLabelledAsync("drugs v2", Catalog($"{root}/ValueSet/thuoc/v2"));
        await CreateLabelledAsync("elsewhere", Catalog($"{root}-khac/ValueSet/thuoc"));
        await AssertFindsAsync($"ValueSet?url={Esc($"{root}/ValueSet/thuoc")}", drugs);
        await AssertFindsAsync($"ValueSet?url={Esc($"{root}/ValueSet/")}");
        await AssertFindsAsync($"ValueSet?url:below={Esc($"{root}/ValueSet/")}", diagnosis, drugs, drugsV2);
        await AssertFindsAsync($"ValueSet?url:below={Esc($"{root}/ValueSet/thuoc")}", drugs, drugsV2);
    }

    [Fact]
    public async Task Uri_above_matches_stored_uris_the_value_starts_with()
    {
        var root = $"https://telehealth.vn/fhir/{Unique("vs")}";
        var parent = await CreateLabelledAsync("parent", Catalog($"{root}/ValueSet"));
        var drugs = await CreateLabelledAsync("drugs", Catalog($"{root}/ValueSet/thuoc"));
        await CreateLabelledAsync("drugs v2", Catalog($"{root}/ValueSet/thuoc/v2"));
        await AssertFindsAsync($"ValueSet?url:above={Esc($"{root}/ValueSet/thuoc/v1")}", parent, drugs);
    }

    [Fact]
    public async Task Uri_missing_finds_resources_without_the_uri()
    {
        var with = await CreateAsync(Catalog($"https://telehealth.vn/fhir/{Unique("vs")}"));
        var without = await CreateAsync(new ValueSet { Status = PublicationStatus.Draft, Name = "KhongUrl" });
        await AssertFindsAsync("ValueSet?url:missing=true", without);
        await AssertFindsAsync("ValueSet?url:missing=false", with);
    }

    private static ValueSet Catalog(string url) => new() { Url = url, Status = PublicationStatus.Active };
}

public sealed class SqliteReferenceSearchTests(SqliteStore store) : ReferenceSearchTests<SqliteStore>(store);

public sealed class PostgresReferenceSearchTests(PostgresStore store) : ReferenceSearchTests<PostgresStore>(store);
