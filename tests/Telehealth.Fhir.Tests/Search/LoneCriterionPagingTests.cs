using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>
/// Unsorted pages of a lone date window, name or reference, which the server builds from that criterion's index rows in
/// key order (SearchSql), and of a lone token, which it first asks whether it is common (LoneTokenSql): every match
/// once, forward and back, also when matches change their value, disappear or appear between pages. These searches
/// carry no tag (a tag would be a second criterion): each test's patients have a family name, a year of birth, a
/// managing organization and an identifier of their own instead.
/// </summary>
public abstract class LoneCriterionPagingTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private readonly string suffix = Unique();
    // A year of its own: the date window is the only criterion, so two tests of a class (one database) sharing a
    // year would walk each other's patients. A random one collided once in a few hundred runs.
    private static int lastYear = 1200 + Random.Shared.Next(300);
    private readonly int year = Interlocked.Increment(ref lastYear);

    /// <summary>A patient with value <paramref name="position"/>: both its birth date and its family name sort by it.</summary>
    private Patient At(Patient patient, int position)
    {
        patient.ManagingOrganization = new ResourceReference($"Organization/paging-{suffix}");
        patient.Identifier = [new Identifier($"urn:paging:{suffix}", $"member-{suffix}")];
        patient.Name = [new HumanName { Family = $"Đoàn{suffix}{position:D3}", Given = ["Thị Hoa"] }];
        patient.BirthDate = new DateTime(year, 1, 1).AddDays(position).ToString("yyyy-MM-dd");
        return patient;
    }

    private string Query(string kind, int count) => kind switch
    {
        "date" => $"Patient?birthdate=ge{year}-01-01&birthdate=lt{year + 1}-01-01&_count={count}",
        "name" => $"Patient?family=doan{suffix}&_count={count}", // typed without the accents
        "reference" => $"Patient?organization=Organization/paging-{suffix}&_count={count}",
        "token" => $"Patient?identifier=urn:paging:{suffix}|member-{suffix}&_count={count}",
        _ => $"Patient?identifier=member-{suffix}&_count={count}", // the code alone
    };

    private async Task<List<Patient>> CreateAtAsync(IEnumerable<int> positions)
    {
        var created = new List<Patient>();
        foreach (var position in positions) created.Add(await CreateAsync(At(new Patient(), position)));
        return created;
    }

    [Theory]
    [InlineData("date")]
    [InlineData("name")]
    [InlineData("reference")]
    [InlineData("token")]
    [InlineData("code")]
    public async Task Pages_go_forward_and_back_over_exactly_the_matches(string kind)
    {
        // Created out of the values' order: the pages follow the order of creation (the key), not the value.
        var positions = new[] { 40, 10, 70, 30, 60, 20, 50 };
        var patients = await CreateAtAsync(positions);
        var inOrder = patients.Select(p => p.Id).ToList();

        var forward = await WalkForwardAsync(await Client.SearchAsync(Query(kind, 2)));
        Assert.Equal(inOrder, forward.SelectMany(MatchIds).ToList());
        Assert.Null(Link(forward[0], "previous"));
        Assert.Equal(forward.Select(MatchIds), (await WalkBackAsync(forward[^1])).Select(MatchIds));
    }

    [Theory]
    [InlineData("date")]
    [InlineData("name")]
    [InlineData("reference")]
    [InlineData("token")]
    [InlineData("code")]
    public async Task Matches_whose_values_change_between_pages_are_still_visited_once_each(string kind)
    {
        var originals = await CreateAtAsync(Enumerable.Range(0, 18).Select(i => 100 + i * 10));
        var byId = originals.ToDictionary(p => p.Id!);
        var visited = new List<string>();
        var created = new List<string>();
        string? deleted = null;
        var page = await Client.SearchAsync(Query(kind, 3));
        for (var round = 0; ; round++)
        {
            Assert.True(round < 20, "The next links never end.");
            visited.AddRange(MatchIds(page));
            if (Link(page, "next") is not { } next) break;
            var unvisited = originals.Where(p => !visited.Contains(p.Id) && p.Id != deleted).ToList();
            // One already shown changes its value to after everything still to come; it must not come again.
            var shown = byId[visited[^1]];
            byId[shown.Id] = await Client.PutAsync(At(shown, 300 + round));
            if (unvisited.Count > 0)
            {
                // One still to come changes its value to before everything shown; it must not be skipped.
                var last = unvisited[^1];
                byId[last.Id] = await Client.PutAsync(At(byId[last.Id], 5 + round));
            }
            if (round == 1 && unvisited.Count > 1)
            {
                // One still to come is deleted; it is gone from the pages.
                deleted = unvisited[0].Id;
                (await Client.DeleteAsync($"Patient/{deleted}")).EnsureSuccessStatusCode();
            }
            // A new match in the middle of what is still to come stays out of this walk.
            created.Add((await CreateAsync(At(new Patient(), 200 + round))).Id);
            page = await Client.SearchAsync(next);
        }

        var repeated = visited.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"Visited more than once: {string.Join(", ", repeated)}");
        Assert.NotNull(deleted);
        Assert.Equal(originals.Select(p => p.Id).Where(id => id != deleted).Order(), visited.Order());
        Assert.DoesNotContain(visited, created.Contains);
    }

    /// <summary>
    /// Lone tokens with several values, with a system, without one and with an empty one, while a resource of another
    /// type carries the same identifier: its index rows are under the same parameter name, and the walk's check of
    /// each resource's rows (LoneTokenSql) leaves the type to the resource row. Worked out from what is written here.
    /// </summary>
    [Fact]
    public async Task Lone_tokens_with_several_values_or_systems_find_each_patient_of_theirs_once()
    {
        var code = $"x-{suffix}";
        Patient With(params Identifier[] identifiers) => new() { Identifier = [.. identifiers] };
        var a = new Identifier("urn:a", code);
        var b = new Identifier("urn:b", code);
        var none = new Identifier { Value = code };
        var onlyA = new List<string>();
        var onlyB = new List<string>();
        var both = new List<string>();
        var withoutSystem = new List<string>();
        for (var k = 0; k < 3; k++)
        {
            onlyA.Add((await CreateAsync(With(a))).Id);
            await CreateAsync(new Practitioner { Identifier = [a, b, none] });
            onlyB.Add((await CreateAsync(With(b))).Id);
            both.Add((await CreateAsync(With(a, b))).Id);
        }
        withoutSystem.Add((await CreateAsync(With(none))).Id);
        await CreateAsync(With(new Identifier("urn:a", "other-" + suffix)));

        async Task<List<string>> Walk(string query)
        {
            var pages = await WalkForwardAsync(await Client.SearchAsync($"Patient?identifier={Esc(query)}&_count=2"));
            return pages.SelectMany(MatchIds).ToList();
        }
        async Task AssertWalksAsync(string query, params List<string>[] expected)
        {
            var found = await Walk(query);
            Assert.True(found.Count == found.Distinct().Count(), $"{query}: a patient came twice");
            Assert.Equal(expected.SelectMany(g => g).Order(), found.Order());
        }

        await AssertWalksAsync($"urn:a|{code}", onlyA, both);
        await AssertWalksAsync($"urn:a|{code},urn:b|{code}", onlyA, onlyB, both);
        await AssertWalksAsync(code, onlyA, onlyB, both, withoutSystem);
        await AssertWalksAsync($"|{code}", withoutSystem);
    }
}

public sealed class SqliteLoneCriterionPagingTests(SqliteStore store) : LoneCriterionPagingTests<SqliteStore>(store);

public sealed class PostgresLoneCriterionPagingTests(PostgresStore store) : LoneCriterionPagingTests<PostgresStore>(store);

/// <summary>
/// The same with a token counting as common from 3 index rows (Fhir:Storage:CommonTokenAt) instead of 5,000: the lone
/// token and code searches, with 7 and 18 matches, then take the branch that walks the token index in key order
/// (LoneTokenSql); with the default they take the one that sorts the matches' keys.
/// </summary>
public sealed class SqliteCommonTokenPagingTests(CommonTokenSqliteStore store) : LoneCriterionPagingTests<CommonTokenSqliteStore>(store);

public sealed class PostgresCommonTokenPagingTests(CommonTokenPostgresStore store) : LoneCriterionPagingTests<CommonTokenPostgresStore>(store);

/// <summary>
/// The same with the walk stopping after 2 index rows (Fhir:Storage:TokenWalkBudget): it then rarely fills a page, and
/// the matches after the cursor are sorted instead, as for a code whose matches cluster beyond the budget.
/// </summary>
public sealed class SqliteShortWalkPagingTests(ShortWalkSqliteStore store) : LoneCriterionPagingTests<ShortWalkSqliteStore>(store);

public sealed class PostgresShortWalkPagingTests(ShortWalkPostgresStore store) : LoneCriterionPagingTests<ShortWalkPostgresStore>(store);

public sealed class ShortWalkSqliteStore() : SqliteStore(CommonToken.ShortWalk);

public sealed class ShortWalkPostgresStore() : PostgresStore(CommonToken.ShortWalk);

public static class CommonToken
{
    public static IReadOnlyDictionary<string, string?> ShortWalk => new Dictionary<string, string?>
    {
        ["Fhir:Storage:CommonTokenAt"] = "3",
        ["Fhir:Storage:TokenWalkBudget"] = "2",
    };

    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Fhir:Storage:CommonTokenAt"] = "3" };

    /// <summary>A token common from 3 index rows, and a walk of the date index that stops after 2 (SortWalkSql).</summary>
    public static IReadOnlyDictionary<string, string?> ShortSortWalk => new Dictionary<string, string?>
    {
        ["Fhir:Storage:CommonTokenAt"] = "3",
        ["Fhir:Storage:SortWalkBudget"] = "2",
    };
}

public sealed class CommonTokenSqliteStore() : SqliteStore(CommonToken.Settings);

public sealed class CommonTokenPostgresStore() : PostgresStore(CommonToken.Settings);

/// <summary>A threshold under one would make every lone token walk; a budget under one, none: the service refuses to start instead.</summary>
public sealed class CommonTokenSettingTests(SqliteStore store) : IClassFixture<SqliteStore>
{
    [Theory]
    [InlineData("CommonTokenAt", "0")]
    [InlineData("CommonTokenAt", "-5")]
    [InlineData("TokenWalkBudget", "0")]
    [InlineData("SortWalkBudget", "0")]
    public void A_threshold_or_budget_under_one_stops_the_service_at_start_naming_the_setting(string setting, string value)
    {
        var settings = new Dictionary<string, string?>(store.Settings) { [$"Fhir:Storage:{setting}"] = value };
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RecordServiceHost(settings).Dispose());
        Assert.Contains($"Fhir:Storage:{setting}", error.Message);
    }
}
