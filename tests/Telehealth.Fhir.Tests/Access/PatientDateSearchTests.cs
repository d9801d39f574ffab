using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>
/// A patient searching their own record by date (<c>Observation?date=ge…</c>, a window, several values, a month),
/// which the server checks on each of the patient's few resources rather than reading everyone's dates first
/// (CriterionSql.DatePredicate): the patient gets exactly their own matches, page by page, and none of another patient's on
/// the same days. The expected matches are worked out from the dates the test writes.
/// </summary>
public abstract class PatientDateSearchTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private readonly string self = "pd-" + Guid.NewGuid().ToString("N")[..10];
    private readonly string other = "pd-" + Guid.NewGuid().ToString("N")[..10];

    private static readonly string[] Dates = ["2024-01-15", "2024-03-01T08:00:00+07:00", "2024-05-20", "2024-11-30"];

    /// <summary>Each patient's observations on the same dates, and an encounter over spring.</summary>
    private async Task<(Dictionary<string, string> Own, string Encounter)> SeedAsync()
    {
        var system = store.Host.Client;
        var own = new Dictionary<string, string>();
        foreach (var id in new[] { self, other })
            await system.PutAsync(new Patient { Id = id, Name = [new HumanName { Family = "Phạm", Given = [id] }] });
        foreach (var date in Dates)
            foreach (var id in new[] { self, other })
            {
                var observation = await system.CreateAsync(new Observation
                {
                    Status = ObservationStatus.Final,
                    Code = new CodeableConcept("http://loinc.org", "8867-4"),
                    Subject = new ResourceReference($"Patient/{id}"),
                    Effective = new FhirDateTime(date),
                });
                if (id == self) own[date] = observation.Id!;
            }
        string? encounter = null;
        foreach (var id in new[] { self, other })
        {
            var created = await system.CreateAsync(new Encounter
            {
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
                Subject = new ResourceReference($"Patient/{id}"),
                Period = new Period(new FhirDateTime("2024-03-10"), new FhirDateTime("2024-04-20")),
            });
            encounter ??= created.Id;
        }
        return (own, encounter!);
    }

    private HttpClient Patient => store.Host.ClientWith(TestTokens.Person("patient", $"Patient/{self}", null, "openid fhirUser patient/*.cruds"));

    [Fact]
    public async Task A_patient_finds_their_own_resources_by_date_and_none_of_another_patients()
    {
        var (own, encounter) = await SeedAsync();
        var patient = Patient;
        IEnumerable<string> Own(params int[] which) => which.Select(n => own[Dates[n]]);

        Assert.Equal(Own(1, 2, 3), await patient.IdsAsync("Observation?date=ge2024-03-01"));
        Assert.Equal(Own(0, 1, 2), await patient.IdsAsync("Observation?date=ge2024-01-01&date=lt2024-06-01"));
        Assert.Equal(Own(0, 3), await patient.IdsAsync("Observation?date=lt2024-02-01,ge2024-11-01"));
        Assert.Equal(Own(2), await patient.IdsAsync("Observation?date=2024-05"));
        Assert.Empty(await patient.IdsAsync("Observation?date=ge2025-01-01"));
        Assert.Equal([encounter], await patient.IdsAsync("Encounter?date=ge2024-04-01&date=le2024-04-30"));
        Assert.Empty(await patient.IdsAsync("Encounter?date=lt2024-03-01"));

        // Page by page: each match once, in order.
        var pages = await patient.WalkForwardAsync(await patient.SearchAsync("Observation?date=ge2024-01-01&_count=1"));
        Assert.Equal(Own(0, 1, 2, 3), pages.SelectMany(FhirHttp.MatchIds));
    }
}

public sealed class SqlitePatientDateSearchTests(SqliteStore store) : PatientDateSearchTests<SqliteStore>(store);

public sealed class PostgresPatientDateSearchTests(PostgresStore store) : PatientDateSearchTests<PostgresStore>(store);
