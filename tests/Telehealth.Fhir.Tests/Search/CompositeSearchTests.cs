using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>Composite parameters: both parts must hold for the same element (the observation, or one component).</summary>
public abstract class CompositeSearchTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string Systolic = "8480-6";
    private const string Diastolic = "8462-4";

    private sealed record Readings(Observation Systolic120, Observation Systolic95, Observation Pulse130, Observation Panel140Over90, Observation Panel110Over105);

    private async Task<Readings> CreateReadingsAsync() => new(
        await CreateLabelledAsync("systolic 120", Single(Systolic, 120m, "mm[Hg]")),
        await CreateLabelledAsync("systolic 95", Single(Systolic, 95m, "mm[Hg]")),
        await CreateLabelledAsync("pulse 130", Single("8867-4", 130m, "/min")),
        await CreateLabelledAsync("panel 140/90", Panel(140m, 90m)),
        await CreateLabelledAsync("panel 110/105", Panel(110m, 105m)));

    [Fact]
    public async Task Code_value_quantity_needs_the_code_and_the_value_on_the_same_observation()
    {
        var r = await CreateReadingsAsync();
        await AssertFindsAsync($"Observation?code-value-quantity={Loinc}|{Systolic}$gt100", r.Systolic120);
        await AssertFindsAsync($"Observation?code-value-quantity={Systolic}$lt100", r.Systolic95);
        await AssertFindsAsync($"Observation?code-value-quantity={Loinc}|{Systolic}$120|{Ucum}|mm[Hg]", r.Systolic120);
        await AssertFindsAsync($"Observation?code-value-quantity={Loinc}|{Systolic}$120||kg");
        await AssertFindsAsync($"Observation?code-value-quantity={Loinc}|8867-4$lt100");
    }

    [Fact]
    public async Task Several_composite_values_are_alternatives()
    {
        var r = await CreateReadingsAsync();
        await AssertFindsAsync($"Observation?code-value-quantity={Systolic}$lt100,8867-4$gt120", r.Systolic95, r.Pulse130);
    }

    [Fact]
    public async Task Component_code_value_quantity_pairs_code_and_value_within_one_component()
    {
        var r = await CreateReadingsAsync();
        await AssertFindsAsync($"Observation?component-code-value-quantity={Loinc}|{Systolic}$gt130", r.Panel140Over90);
        await AssertFindsAsync($"Observation?component-code-value-quantity={Loinc}|{Systolic}$gt100", r.Panel140Over90, r.Panel110Over105);
        // The 140/90 panel has a value above 100, but not in its diastolic component.
        await AssertFindsAsync($"Observation?component-code-value-quantity={Loinc}|{Diastolic}$gt100", r.Panel110Over105);
    }

    [Fact]
    public async Task Combo_code_value_quantity_looks_at_the_observation_and_its_components()
    {
        var r = await CreateReadingsAsync();
        await AssertFindsAsync($"Observation?combo-code-value-quantity={Systolic}$ge110", r.Systolic120, r.Panel140Over90, r.Panel110Over105);
    }

    [Fact]
    public async Task Code_value_concept_string_and_date_composites_match()
    {
        var snomed = "http://snomed.info/sct";
        var positive = await CreateLabelledAsync("covid positive", new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept(Loinc, "94500-6"), Value = new CodeableConcept(snomed, "10828004", "Dương tính"),
        });
        var negative = await CreateLabelledAsync("covid negative", new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept(Loinc, "94500-6"), Value = new CodeableConcept(snomed, "260385009", "Âm tính"),
        });
        var note = await CreateLabelledAsync("note", new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept(Loinc, "8251-1"), Value = new FhirString("Đau đầu nhẹ"),
        });
        var onset = await CreateLabelledAsync("onset", new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept(Loinc, "65222-2"), Value = new FhirDateTime("2024-03-05"),
        });
        await AssertFindsAsync($"Observation?code-value-concept={Loinc}|94500-6${snomed}|10828004", positive);
        await AssertFindsAsync($"Observation?code-value-concept=94500-6$260385009", negative);
        await AssertFindsAsync($"Observation?code-value-string={Loinc}|8251-1${Esc("dau dau")}", note);
        await AssertFindsAsync($"Observation?code-value-date={Loinc}|65222-2$ge2024-03-01", onset);
        await AssertFindsAsync($"Observation?code-value-date={Loinc}|65222-2$lt2024-03-01");
    }

    [Theory]
    [InlineData("Observation?code-value-quantity=8480-6")]
    [InlineData("Observation?code-value-quantity=8480-6$abc")]
    [InlineData("Observation?code-value-quantity=8480-6$1$2")]
    [InlineData("Observation?code-value-date=8480-6$notadate")]
    public async Task A_malformed_composite_value_is_refused_with_400(string query)
    {
        var text = await BadRequestAsync(query);
        Assert.Contains(query[(query.IndexOf('?') + 1)..query.IndexOf('=')], text);
    }

    private static Observation Single(string code, decimal value, string unit) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(Loinc, code),
        Value = new Quantity { Value = value, System = Ucum, Code = unit, Unit = unit },
    };

    private static Observation Panel(decimal systolic, decimal diastolic) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(Loinc, "85354-9", "Huyết áp"),
        Component =
        [
            new Observation.ComponentComponent { Code = new CodeableConcept(Loinc, Systolic), Value = new Quantity { Value = systolic, System = Ucum, Code = "mm[Hg]" } },
            new Observation.ComponentComponent { Code = new CodeableConcept(Loinc, Diastolic), Value = new Quantity { Value = diastolic, System = Ucum, Code = "mm[Hg]" } },
        ],
    };
}

public sealed class SqliteCompositeSearchTests(SqliteStore store) : CompositeSearchTests<SqliteStore>(store);

public sealed class PostgresCompositeSearchTests(PostgresStore store) : CompositeSearchTests<PostgresStore>(store);
