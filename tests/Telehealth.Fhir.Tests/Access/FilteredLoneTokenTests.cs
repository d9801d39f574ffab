using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using Telehealth.Fhir.Tests.Search;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>
/// A commune doctor's search by one token (<c>Observation?code=…</c>, <c>Patient?identifier=…</c>), which the server
/// pages with the doctor's access filter checked on each match in key order (LoneTokenSql): every match the doctor may
/// see comes once, forward and back, and nothing of another station's patients. Run with the default threshold (the
/// matches' keys sorted), with a token common from 3 index rows (the walk in key order) and with a walk of 2 resources
/// (the walk giving way to the sorted keys). The expected pages are worked out from what the test writes.
/// </summary>
public abstract class FilteredLoneTokenTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..10];

    private string Station(char which) => $"tyt-{which}-{suffix}";

    private HttpClient Doctor => store.Host.ClientWith(
        TestTokens.Person("commune_doctor", $"Practitioner/doc-{suffix}", $"Organization/{Station('a')}"));

    /// <summary>
    /// Stations A and B, five patients each, created in turns; each patient has two observations of the test's code and
    /// one of another. Station A asked for a consult about B's third patient, which shares that patient with A.
    /// </summary>
    private async Task<(List<Patient> Seen, List<Observation> SeenObservations)> SeedAsync()
    {
        var (seen, observations, _) = await SeedAllAsync();
        return (seen, observations);
    }

    /// <summary>As <see cref="SeedAsync"/>, also with every observation of the patients the doctor sees, in creation order.</summary>
    private async Task<(List<Patient> Seen, List<Observation> SeenObservations, List<Observation> AllSeen)> SeedAllAsync()
    {
        var system = store.Host.Client;
        foreach (var which in "ab") await system.PutAsync(new Organization { Id = Station(which), Name = $"Trạm Y tế xã {which}" });
        var seen = new List<Patient>();
        var observations = new List<Observation>();
        var all = new List<Observation>();
        var created = 0;
        for (var k = 0; k < 5; k++)
            foreach (var which in "ab")
            {
                var patient = await system.CreateAsync(new Patient
                {
                    Identifier = [new Identifier($"urn:member:{suffix}", "member")],
                    ManagingOrganization = new ResourceReference($"Organization/{Station(which)}"),
                });
                var own = new List<Observation>();
                foreach (var code in new[] { "hr", "other", "hr" })
                    own.Add(await system.CreateAsync(new Observation
                    {
                        Status = ObservationStatus.Final,
                        Code = new CodeableConcept($"urn:code:{suffix}", code),
                        Subject = new ResourceReference($"Patient/{patient.Id}"),
                        // Dates out of creation order, some equal: the sorted pages' order differs from the keys'.
                        Effective = new FhirDateTime(new DateTimeOffset(2024, 1, 1, 7, 30, 0, TimeSpan.Zero).AddDays(created++ * 7 % 11)),
                    }));
                var shared = which == 'b' && k == 2;
                if (which == 'a' || shared)
                {
                    seen.Add(patient);
                    observations.AddRange(own.Where(o => o.Code.Coding[0].Code == "hr"));
                    all.AddRange(own);
                }
                if (shared)
                    await system.CreateAsync(new ServiceRequest
                    {
                        Status = RequestStatus.Active,
                        Intent = RequestIntent.Order,
                        Subject = new ResourceReference($"Patient/{patient.Id}"),
                        Requester = new ResourceReference($"Organization/{Station('a')}"),
                    });
            }
        return (seen, observations, all);
    }

    [Fact]
    public async Task A_commune_doctor_pages_through_their_patients_matches_once_each_and_no_others()
    {
        var (patients, observations) = await SeedAsync();
        var doctor = Doctor;

        await AssertPagesAsync(doctor, $"Observation?code=urn:code:{suffix}|hr&_count=2", observations.Select(o => o.Id));
        await AssertPagesAsync(doctor, $"Observation?code=hr,nothing-{suffix}&_count=3",
            observations.Select(o => o.Id), others: true);
        await AssertPagesAsync(doctor, $"Patient?identifier=urn:member:{suffix}|member&_count=2", patients.Select(p => p.Id));
        Assert.Empty(await doctor.IdsAsync($"Observation?code=urn:code:{suffix}|none"));
    }

    /// <summary>The observations' ids latest first by date, equal dates in creation order (the general sort's ties by key).</summary>
    private static IEnumerable<string> LatestFirst(IEnumerable<Observation> observations) =>
        observations.Select((o, n) => (o, n))
            .OrderByDescending(x => ((FhirDateTime)x.o.Effective).ToDateTimeOffset(TimeSpan.Zero)).ThenBy(x => x.n).Select(x => x.o.Id!);

    /// <summary>
    /// Latest first by date: with the code common (CommonTokenStore) the pages walk the date index with the doctor's
    /// access filter checked on each observation met (SortWalkSql), otherwise the matches are sorted.
    /// </summary>
    [Fact]
    public async Task A_commune_doctor_pages_latest_first_through_their_patients_matches_and_no_others()
    {
        var (_, observations) = await SeedAsync();
        var latestFirst = LatestFirst(observations);
        await AssertPagesAsync(Doctor, $"Observation?code=urn:code:{suffix}|hr&_sort=-date&_count=2", latestFirst);
        await AssertPagesAsync(Doctor, $"Observation?code=urn:code:{suffix}|hr&_sort=-date&_count=50", latestFirst);
    }

    /// <summary>
    /// Every observation the doctor may see, latest first, with no criterion: the walk checks the access filter alone
    /// on every observation in the database, and only the doctor's station's (and the shared patient's) come.
    /// </summary>
    [Fact]
    public async Task A_commune_doctor_pages_latest_first_through_every_observation_they_may_see_and_no_others()
    {
        var (_, _, all) = await SeedAllAsync();
        var latestFirst = LatestFirst(all);
        await AssertPagesAsync(Doctor, "Observation?_sort=-date&_count=3", latestFirst);
    }

    /// <summary>
    /// Follows next links, then previous links back, and checks both walks. <paramref name="others"/>: the code alone
    /// also matches other tests' observations of the doctor's station, which are not this test's to list; only this
    /// test's are checked for, each once and in order.
    /// </summary>
    private static async Task AssertPagesAsync(HttpClient doctor, string query, IEnumerable<string> expected, bool others = false)
    {
        var pages = await doctor.WalkForwardAsync(await doctor.SearchAsync(query));
        var back = await doctor.WalkBackAsync(pages[^1]);
        var forward = pages.SelectMany(FhirHttp.MatchIds).ToList();
        var backward = back.SelectMany(FhirHttp.MatchIds).ToList();
        var wanted = expected.ToList();
        if (others)
        {
            forward = forward.Where(wanted.Contains).ToList();
            backward = backward.Where(wanted.Contains).ToList();
        }
        Assert.Equal(wanted, forward);
        Assert.Equal(wanted, backward);
    }
}

public sealed class SqliteFilteredLoneTokenTests(SqliteStore store) : FilteredLoneTokenTests<SqliteStore>(store);

public sealed class PostgresFilteredLoneTokenTests(PostgresStore store) : FilteredLoneTokenTests<PostgresStore>(store);

public sealed class SqliteCommonFilteredLoneTokenTests(CommonTokenSqliteStore store) : FilteredLoneTokenTests<CommonTokenSqliteStore>(store);

public sealed class PostgresCommonFilteredLoneTokenTests(CommonTokenPostgresStore store) : FilteredLoneTokenTests<CommonTokenPostgresStore>(store);

public sealed class SqliteShortWalkFilteredLoneTokenTests(ShortWalkSqliteStore store) : FilteredLoneTokenTests<ShortWalkSqliteStore>(store);

public sealed class PostgresShortWalkFilteredLoneTokenTests(ShortWalkPostgresStore store) : FilteredLoneTokenTests<ShortWalkPostgresStore>(store);
