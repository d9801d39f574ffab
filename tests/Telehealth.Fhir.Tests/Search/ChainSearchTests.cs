using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Search.SampleClinic;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>Chained parameters (one and two levels, typed and untyped) and reverse chaining with _has (also nested).</summary>
public abstract class ChainSearchTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private async Task<SampleClinic> CreateClinicAsync() =>
        await SampleClinic.CreateAsync(async (label, r) => await CreateLabelledAsync(label, r));

    [Fact]
    public async Task Chain_with_a_type_finds_resources_whose_reference_matches()
    {
        var c = await CreateClinicAsync();
        await AssertFindsAsync("Observation?subject:Patient.name=nguyen", c.AnSystolic, c.AnPulse, c.CucPulse);
        await AssertFindsAsync("Observation?subject:Patient.name=" + Esc("bình"), c.BinhSystolic);
        await AssertFindsAsync($"Observation?subject:Patient.name=nguyen&code={Systolic}", c.AnSystolic);
    }

    [Fact]
    public async Task Chain_through_a_single_target_parameter_needs_no_type()
    {
        var c = await CreateClinicAsync();
        await AssertFindsAsync("Observation?patient.name=" + Esc("cúc"), c.CucPulse);
        await AssertFindsAsync($"Observation?performer:Practitioner._id={c.DrHung.Id}", c.AnSystolic, c.AnPulse);
    }

    [Fact]
    public async Task Chain_without_a_type_searches_every_target_type_having_the_parameter()
    {
        var c = await CreateClinicAsync();
        // subject can be a Patient, Group, Device or Location; only Patient and Location have "name".
        await AssertFindsAsync("Observation?subject.name=nguyen", c.AnSystolic, c.AnPulse, c.CucPulse);
        // general-practitioner can be an Organization or a Practitioner (both have "name").
        await AssertFindsAsync("Patient?general-practitioner.name=" + Esc("hùng"), c.An);
        await AssertFindsAsync("Patient?general-practitioner.name=" + Esc("phòng khám"), c.Binh);
        await AssertFindsAsync("Patient?general-practitioner:Practitioner.name=" + Esc("phòng khám"));
    }

    [Fact]
    public async Task Two_level_chain_follows_two_references()
    {
        var c = await CreateClinicAsync();
        await AssertFindsAsync("Observation?subject:Patient.organization.name=" + Esc("bệnh viện bạch"), c.AnSystolic, c.AnPulse);
        await AssertFindsAsync("Observation?patient.organization.name=" + Esc("phong kham hoa"), c.BinhSystolic);
        await AssertFindsAsync("Observation?patient.general-practitioner:Practitioner.family=le", c.AnSystolic, c.AnPulse);
    }

    [Fact]
    public async Task Chain_ignores_deleted_targets()
    {
        var c = await CreateClinicAsync();
        await FhirHttp.ExpectAsync(await Client.DeleteAsync($"Patient/{c.Cuc.Id}"), System.Net.HttpStatusCode.NoContent);
        await AssertFindsAsync("Observation?subject:Patient.name=nguyen", c.AnSystolic, c.AnPulse);
    }

    [Fact]
    public async Task Has_finds_resources_referred_to_by_matching_resources()
    {
        var c = await CreateClinicAsync();
        await AssertFindsAsync($"Patient?_has:Observation:patient:code={Systolic}", c.An, c.Binh);
        await AssertFindsAsync($"Patient?_has:Observation:subject:code={Pulse}", c.An, c.Cuc);
        await AssertFindsAsync($"Patient?_has:Observation:patient:code-value-quantity={Systolic}$gt140", c.An);
        await AssertFindsAsync($"Practitioner?_has:Observation:performer:code={Pulse}", c.DrHung);
        await AssertFindsAsync($"Patient?_has:Observation:patient:code={Systolic}&name=nguyen", c.An);
    }

    [Fact]
    public async Task Nested_has_follows_two_reverse_references()
    {
        var c = await CreateClinicAsync();
        await AssertFindsAsync($"Organization?_has:Patient:organization:_has:Observation:patient:code={Pulse}", c.BachMai);
        await AssertFindsAsync($"Organization?_has:Patient:organization:_has:Observation:patient:code={Systolic}", c.BachMai, c.HoaHao);
    }

    [Fact]
    public async Task Has_and_chain_with_unknown_parts_are_refused_under_strict_handling()
    {
        Assert.Contains("Benhnhan", await BadRequestAsync("Patient?_has:Benhnhan:patient:code=1", strict: true));
        Assert.Contains("khongco", await BadRequestAsync("Observation?subject:Patient.khongco=1", strict: true));
        Assert.Contains("code", await BadRequestAsync("Patient?_has:Observation:code:code=1", strict: true));
    }
}

public sealed class SqliteChainSearchTests(SqliteStore store) : ChainSearchTests<SqliteStore>(store);

public sealed class PostgresChainSearchTests(PostgresStore store) : ChainSearchTests<PostgresStore>(store);
