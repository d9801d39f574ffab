using System.Globalization;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>Number (RiskAssessment.probability) and quantity (Observation value-quantity) parameters.</summary>
public abstract class QuantitySearchTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private const string Ucum = "http://unitsofmeasure.org";

    private static readonly decimal[] Probabilities = [0.1m, 0.25m, 0.5m, 0.75m, 0.8m, 0.85m];

    [Theory]
    [InlineData("eq"), InlineData("ne"), InlineData("gt"), InlineData("lt"), InlineData("ge"), InlineData("le"), InlineData("sa"), InlineData("eb")]
    public async Task Number_prefix_compares_with_the_precision_the_value_is_written_in(string prefix)
    {
        var risks = new List<(RiskAssessment Resource, decimal Value)>();
        foreach (var p in Probabilities) risks.Add((await CreateLabelledAsync(p.ToString(CultureInfo.InvariantCulture), Risk(p)), p));
        await CreateLabelledAsync("no prediction", new RiskAssessment { Status = ObservationStatus.Final, Subject = new ResourceReference("Patient/" + Unique()) });
        foreach (var query in new[] { "0.8", "0.80", "0.5", "0.25", "1", "8e-1" })
        {
            var value = decimal.Parse(query, NumberStyles.Float, CultureInfo.InvariantCulture);
            // FHIR: "0.8" stands for [0.75, 0.85), "0.80" for [0.795, 0.805), "1" for [0.5, 1.5).
            var mantissa = query.Split('e')[0];
            var decimals = mantissa.Contains('.') ? mantissa.Length - mantissa.IndexOf('.') - 1 : 0;
            var exponent = query.Contains('e') ? int.Parse(query[(query.IndexOf('e') + 1)..], CultureInfo.InvariantCulture) : 0;
            var half = 0.5m * (decimal)Math.Pow(10, exponent - decimals);
            var (from, to) = (value - half, value + half);
            var expected = risks.Where(r => prefix switch
            {
                "eq" => r.Value >= from && r.Value < to,
                "ne" => !(r.Value >= from && r.Value < to),
                "gt" => r.Value > value,
                "lt" => r.Value < value,
                "ge" => r.Value >= value,
                "le" => r.Value <= value,
                "sa" => r.Value >= to,
                "eb" => r.Value < from,
                _ => throw new ArgumentOutOfRangeException(nameof(prefix)),
            }).Select(r => r.Resource);
            await AssertFindsAsync($"RiskAssessment?probability={prefix}{query}", expected);
        }
    }

    [Fact]
    public async Task Number_approximately_matches_within_ten_percent()
    {
        var risks = await CreateAllAsync(Probabilities.Select(Risk));
        await AssertFindsAsync("RiskAssessment?probability=ap0.8", risks.Where((_, i) => Probabilities[i] is >= 0.72m and <= 0.88m));
    }

    [Fact]
    public async Task Number_missing_finds_resources_without_the_value()
    {
        var with = await CreateAsync(Risk(0.3m));
        var without = await CreateAsync(new RiskAssessment { Status = ObservationStatus.Final, Subject = new ResourceReference("Patient/" + Unique()) });
        await AssertFindsAsync("RiskAssessment?probability:missing=true", without);
        await AssertFindsAsync("RiskAssessment?probability:missing=false", with);
    }

    private sealed record Readings(Observation Systolic120, Observation Systolic100_5, Observation Systolic99, Observation UnitOnly120, Observation Weight120, Observation Glucose);

    private async Task<Readings> CreateReadingsAsync() => new(
        await CreateLabelledAsync("120 mm[Hg]", Reading(120m, Ucum, "mm[Hg]", "mmHg")),
        await CreateLabelledAsync("100.5 mm[Hg]", Reading(100.5m, Ucum, "mm[Hg]", "mmHg")),
        await CreateLabelledAsync("99 mm[Hg]", Reading(99m, Ucum, "mm[Hg]", "mmHg")),
        await CreateLabelledAsync("120 unit mmHg only", Reading(120m, null, null, "mmHg")),
        await CreateLabelledAsync("120 kg", Reading(120m, Ucum, "kg", "kg")),
        await CreateLabelledAsync("5.4 mmol/L", Reading(5.4m, Ucum, "mmol/L", "mmol/L")));

    [Fact]
    public async Task Quantity_without_units_matches_any_unit()
    {
        var r = await CreateReadingsAsync();
        await AssertFindsAsync("Observation?value-quantity=120", r.Systolic120, r.UnitOnly120, r.Weight120);
        await AssertFindsAsync("Observation?value-quantity=lt100", r.Systolic99, r.Glucose);
        await AssertFindsAsync("Observation?value-quantity=100");
        await AssertFindsAsync("Observation?value-quantity=100.5", r.Systolic100_5);
    }

    [Fact]
    public async Task Quantity_with_system_and_code_matches_only_that_unit()
    {
        var r = await CreateReadingsAsync();
        await AssertFindsAsync($"Observation?value-quantity=120|{Ucum}|mm[Hg]", r.Systolic120);
        await AssertFindsAsync($"Observation?value-quantity=ge100.5|{Ucum}|mm[Hg]", r.Systolic120, r.Systolic100_5);
        await AssertFindsAsync($"Observation?value-quantity=5.4|{Ucum}|mmol/L", r.Glucose);
        await AssertFindsAsync($"Observation?value-quantity=120|urn:other|mm[Hg]");
    }

    [Fact]
    public async Task Quantity_with_code_and_no_system_matches_the_code_or_the_unit()
    {
        var r = await CreateReadingsAsync();
        await AssertFindsAsync("Observation?value-quantity=120||mm[Hg]", r.Systolic120);
        await AssertFindsAsync("Observation?value-quantity=120||mmHg", r.Systolic120, r.UnitOnly120);
        await AssertFindsAsync("Observation?value-quantity=gt100||mm[Hg]", r.Systolic120, r.Systolic100_5);
        await AssertFindsAsync("Observation?value-quantity=le99||mm[Hg]", r.Systolic99);
        await AssertFindsAsync("Observation?value-quantity=ne120||mm[Hg]", r.Systolic100_5, r.Systolic99);
        await AssertFindsAsync("Observation?value-quantity=ap100||mm[Hg]", r.Systolic100_5, r.Systolic99);
        await AssertFindsAsync("Observation?value-quantity=sa100||mm[Hg]", r.Systolic120, r.Systolic100_5);
        await AssertFindsAsync("Observation?value-quantity=eb100||mm[Hg]", r.Systolic99);
    }

    [Fact]
    public async Task Quantity_missing_finds_observations_without_a_quantity_value()
    {
        var r = await CreateReadingsAsync();
        var text = await CreateLabelledAsync("text value", new Observation
        {
            Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8251-1"), Value = new FhirString("Bình thường"),
        });
        await AssertFindsAsync("Observation?value-quantity:missing=true", text);
        await AssertFindsAsync("Observation?value-quantity:missing=false", r.Systolic120, r.Systolic100_5, r.Systolic99, r.UnitOnly120, r.Weight120, r.Glucose);
    }

    [Theory]
    [InlineData("Observation?value-quantity=abc")]
    [InlineData("Observation?value-quantity=gt")]
    [InlineData("Observation?value-quantity=5.4|http://unitsofmeasure.org")]
    [InlineData("Observation?value-quantity=1,2,x")]
    [InlineData("RiskAssessment?probability=high")]
    [InlineData("RiskAssessment?probability=0.5|http://unitsofmeasure.org|%25")]
    public async Task A_value_that_is_not_a_number_is_refused_with_400_naming_the_parameter(string query)
    {
        var text = await BadRequestAsync(query);
        Assert.Contains(query[(query.IndexOf('?') + 1)..query.IndexOf('=')], text);
    }

    private static RiskAssessment Risk(decimal probability) => new()
    {
        Status = ObservationStatus.Final,
        Subject = new ResourceReference("Patient/" + Unique()),
        Prediction = [new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(probability) }],
    };

    private static Observation Reading(decimal value, string? system, string? code, string unit) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8480-6"),
        Value = new Quantity { Value = value, System = system, Code = code, Unit = unit },
    };
}

public sealed class SqliteQuantitySearchTests(SqliteStore store) : QuantitySearchTests<SqliteStore>(store);

public sealed class PostgresQuantitySearchTests(PostgresStore store) : QuantitySearchTests<PostgresStore>(store);
