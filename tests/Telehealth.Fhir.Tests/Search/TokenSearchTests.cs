using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>Token parameters on CodeableConcept, Coding, Identifier, ContactPoint, code enums and booleans.</summary>
public abstract class TokenSearchTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private const string Loinc = "http://loinc.org";
    private const string Local = "https://telehealth.vn/fhir/CodeSystem/xet-nghiem";

    private sealed record Vitals(Observation LoincSystolic, Observation LoincPulse, Observation LocalSystolic, Observation NoSystemSystolic, Observation TextOnly);

    private async Task<Vitals> CreateVitalsAsync() => new(
        await CreateLabelledAsync("loinc 8480-6", Vital(new CodeableConcept(Loinc, "8480-6", "Huyết áp tâm thu"))),
        await CreateLabelledAsync("loinc 8867-4", Vital(new CodeableConcept(Loinc, "8867-4", "Nhịp tim"))),
        await CreateLabelledAsync("local 8480-6", Vital(new CodeableConcept(Local, "8480-6", "HA tâm thu"))),
        await CreateLabelledAsync("no system 8480-6", Vital(new CodeableConcept { Coding = [new Coding { Code = "8480-6" }] })),
        await CreateLabelledAsync("text only", Vital(new CodeableConcept { Text = "Đường huyết lúc đói" })));

    private static Observation Vital(CodeableConcept code) => new() { Status = ObservationStatus.Final, Code = code };

    [Fact]
    public async Task Code_alone_matches_any_system()
    {
        var v = await CreateVitalsAsync();
        await AssertFindsAsync("Observation?code=8480-6", v.LoincSystolic, v.LocalSystolic, v.NoSystemSystolic);
    }

    [Fact]
    public async Task System_and_code_match_only_that_system()
    {
        var v = await CreateVitalsAsync();
        await AssertFindsAsync($"Observation?code={Loinc}|8480-6", v.LoincSystolic);
        await AssertFindsAsync($"Observation?code={Local}|8480-6", v.LocalSystolic);
        await AssertFindsAsync($"Observation?code={Loinc}|8480-6,{Loinc}|8867-4", v.LoincSystolic, v.LoincPulse);
    }

    [Fact]
    public async Task Bar_then_code_matches_codes_without_a_system()
    {
        var v = await CreateVitalsAsync();
        await AssertFindsAsync("Observation?code=|8480-6", v.NoSystemSystolic);
    }

    [Fact]
    public async Task System_then_bar_matches_every_code_of_that_system()
    {
        var v = await CreateVitalsAsync();
        await AssertFindsAsync($"Observation?code={Loinc}|", v.LoincSystolic, v.LoincPulse);
    }

    [Fact]
    public async Task Not_finds_resources_without_the_code_including_those_without_any_coding()
    {
        var v = await CreateVitalsAsync();
        await AssertFindsAsync("Observation?code:not=8480-6", v.LoincPulse, v.TextOnly);
        await AssertFindsAsync($"Observation?code:not={Loinc}|8480-6", v.LoincPulse, v.LocalSystolic, v.NoSystemSystolic, v.TextOnly);
    }

    [Fact]
    public async Task Text_matches_the_start_of_display_or_text_ignoring_accents()
    {
        var v = await CreateVitalsAsync();
        await AssertFindsAsync("Observation?code:text=" + Esc("huyet ap"), v.LoincSystolic);
        await AssertFindsAsync("Observation?code:text=" + Esc("ĐƯỜNG huyết"), v.TextOnly);
        await AssertFindsAsync("Observation?code:text=nhip", v.LoincPulse);
        await AssertFindsAsync("Observation?code:text=tam");
    }

    [Fact]
    public async Task Identifier_matches_by_value_system_and_value_or_value_without_system()
    {
        const string cccd = "https://telehealth.vn/fhir/sid/cccd";
        const string bhyt = "https://telehealth.vn/fhir/sid/bhyt";
        var number = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString();
        var citizen = await CreateLabelledAsync("cccd", new Patient { Identifier = [new Identifier(cccd, number)] });
        var insured = await CreateLabelledAsync("bhyt", new Patient { Identifier = [new Identifier(bhyt, number)] });
        var bare = await CreateLabelledAsync("no system", new Patient { Identifier = [new Identifier { Value = number }] });
        var none = await CreateLabelledAsync("no identifier", new Patient { Gender = AdministrativeGender.Male });
        await AssertFindsAsync($"Patient?identifier={number}", citizen, insured, bare);
        await AssertFindsAsync($"Patient?identifier={cccd}|{number}", citizen);
        await AssertFindsAsync($"Patient?identifier=|{number}", bare);
        await AssertFindsAsync($"Patient?identifier={bhyt}|", insured);
        await AssertFindsAsync($"Patient?identifier:not={cccd}|{number}", insured, bare, none);
        await AssertFindsAsync("Patient?identifier:missing=true", none);
        await AssertFindsAsync("Patient?identifier:missing=false", citizen, insured, bare);
    }

    [Fact]
    public async Task Coding_element_matches_by_code_and_system()
    {
        const string actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
        var virtualVisit = await CreateLabelledAsync("VR", new Encounter { Status = Encounter.EncounterStatus.Finished, Class = new Coding(actCode, "VR") });
        var clinic = await CreateLabelledAsync("AMB", new Encounter { Status = Encounter.EncounterStatus.Finished, Class = new Coding(actCode, "AMB") });
        var other = await CreateLabelledAsync("other VR", new Encounter { Status = Encounter.EncounterStatus.Planned, Class = new Coding("urn:other", "VR") });
        await AssertFindsAsync("Encounter?class=VR", virtualVisit, other);
        await AssertFindsAsync($"Encounter?class={actCode}|VR", virtualVisit);
        await AssertFindsAsync($"Encounter?class:not={actCode}|VR", clinic, other);
        await AssertFindsAsync("Encounter?status=finished", virtualVisit, clinic);
    }

    [Fact]
    public async Task Code_enums_match_with_or_without_their_value_set_system()
    {
        var woman = await CreateLabelledAsync("female", new Patient { Gender = AdministrativeGender.Female });
        var man = await CreateLabelledAsync("male", new Patient { Gender = AdministrativeGender.Male });
        var unknown = await CreateLabelledAsync("no gender", new Patient { BirthDate = "1990" });
        await AssertFindsAsync("Patient?gender=female", woman);
        await AssertFindsAsync("Patient?gender=http://hl7.org/fhir/administrative-gender|male", man);
        await AssertFindsAsync("Patient?gender=female,male", woman, man);
        await AssertFindsAsync("Patient?gender:not=male", woman, unknown);
        await AssertFindsAsync("Patient?gender:missing=true", unknown);
        await AssertFindsAsync("Patient?gender:missing=false", woman, man);
    }

    [Fact]
    public async Task Booleans_match_true_and_false()
    {
        var active = await CreateLabelledAsync("active", new Patient { Active = true });
        var inactive = await CreateLabelledAsync("inactive", new Patient { Active = false });
        var unset = await CreateLabelledAsync("unset", new Patient { BirthDate = "2000" });
        await AssertFindsAsync("Patient?active=true", active);
        await AssertFindsAsync("Patient?active=false", inactive);
        await AssertFindsAsync("Patient?active:not=true", inactive, unset);
        await AssertFindsAsync("Patient?active:missing=true", unset);
    }

    [Fact]
    public async Task Phone_and_email_match_the_contact_value()
    {
        var phone = "09" + Random.Shared.Next(10_000_000, 99_999_999);
        var email = Unique("bn") + "@benhnhan.vn";
        var caller = await CreateLabelledAsync("phone", new Patient { Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, phone)] });
        var writer = await CreateLabelledAsync("email", new Patient { Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Email, null, email)] });
        await AssertFindsAsync($"Patient?phone={phone}", caller);
        await AssertFindsAsync($"Patient?email={email}", writer);
        await AssertFindsAsync($"Patient?email={phone}");
        await AssertFindsAsync($"Patient?telecom=phone|{phone}", caller);
    }

    [Fact]
    public async Task Meta_tag_security_and_profile_are_searchable()
    {
        const string vitals = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
        const string confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
        var ward = Unique("ward");
        var restricted = Vital(new CodeableConcept(Loinc, "8867-4"));
        restricted.Meta = new Meta { Security = [new Coding(confidentiality, "R")], Tag = [new Coding("urn:ward", ward)] };
        var profiled = Vital(new CodeableConcept(Loinc, "8867-4"));
        profiled.Meta = new Meta { Profile = [vitals], Security = [new Coding(confidentiality, "N")] };
        var plain = Vital(new CodeableConcept(Loinc, "8867-4"));
        var r = await CreateLabelledAsync("restricted", restricted);
        var p = await CreateLabelledAsync("profiled", profiled);
        var n = await CreateLabelledAsync("plain", plain);
        await AssertFindsAsync($"Observation?_security={confidentiality}|R", r);
        await AssertFindsAsync("Observation?_security=N", p);
        await AssertFindsAsync($"Observation?_security:not={confidentiality}|R", p, n);
        await AssertFindsAsync($"Observation?_tag=urn:ward|{ward}", r);
        await AssertFindsAsync($"Observation?_profile={vitals}", p);
        await AssertFindsAsync("Observation?_profile:missing=true", r, n);
    }

    [Fact]
    public async Task Id_matches_one_or_several_ids()
    {
        var a = await CreateAsync(new Patient { BirthDate = "1980" });
        var b = await CreateAsync(new Patient { BirthDate = "1981" });
        var c = await CreateAsync(new Patient { BirthDate = "1982" });
        await AssertFindsAsync($"Patient?_id={a.Id}", a);
        await AssertFindsAsync($"Patient?_id={a.Id},{c.Id}", a, c);
        await AssertFindsAsync($"Patient?_id:not={a.Id}", b, c);
        await AssertFindsAsync("Patient?_id=" + Unique("none"));
    }
}

public sealed class SqliteTokenSearchTests(SqliteStore store) : TokenSearchTests<SqliteStore>(store);

public sealed class PostgresTokenSearchTests(PostgresStore store) : TokenSearchTests<PostgresStore>(store);
