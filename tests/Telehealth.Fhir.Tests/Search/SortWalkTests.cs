using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>
/// A search by one token sorted by one date, latest first (<c>Goal?category=…&amp;_sort=-target-date</c>), which the
/// server pages by walking the date index from its latest end when the token is common (SortWalkSql) and otherwise
/// by sorting the matches: the same order either way, a page at a time and all at once. The goals have several target
/// dates (a goal sorts by its latest), three equal dates (ties go by creation), a year alone (it ends the year), two that end together (a month and its last day), none (last),
/// a date changed by an update, and a deleted goal; goals of another category lie between them. The expected order is
/// worked out from what the test writes.
/// </summary>
public abstract class SortWalkTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private readonly string suffix = Unique();

    /// <summary>
    /// What the walk does with these pages on this store, from its settings: not tried where the category's index
    /// rows are fewer than CommonTokenAt, gives way where SortWalkBudget is no more than a page of 2, else walks.
    /// </summary>
    private string Outcome(int categoryRows, int page)
    {
        int Setting(string name, int fallback) =>
            Store.HostSettings.GetValueOrDefault($"Fhir:Storage:{name}") is { } value ? int.Parse(value) : fallback;
        return categoryRows < Setting("CommonTokenAt", 5_000) ? "few" : Setting("SortWalkBudget", 10_000) <= page ? "gave_way" : "walked";
    }

    private sealed record Written(string Id, DateTimeOffset? Latest, int Order);

    /// <summary>The latest instant a due date covers: the end of its day, month or year.</summary>
    private static DateTimeOffset End(string due) => due.Length switch
    {
        4 => new DateTimeOffset(int.Parse(due) + 1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1),
        7 => DateTimeOffset.Parse(due + "-01T00:00:00Z").AddMonths(1).AddTicks(-1),
        _ => DateTimeOffset.Parse(due + "T00:00:00Z").AddDays(1).AddTicks(-1),
    };

    private Goal GoalWith(string category, params string[] dues) => new()
    {
        LifecycleStatus = Goal.GoalLifecycleStatus.Active,
        Description = new CodeableConcept { Text = "Giữ huyết áp dưới 140/90" },
        Subject = new ResourceReference($"Patient/walk-{suffix}"),
        Category = [new CodeableConcept($"urn:walk:{suffix}", category)],
        Target = [.. dues.Select(d => new Goal.TargetComponent { Due = new Date(d) })],
    };

    private async Task<List<Written>> SeedAsync()
    {
        string[][] goals =
        [
            ["2020-01-01", "2023-05-01"], ["2022-01-01"], ["2023-05-01"], [], ["2021-06-01", "2019-01-01"], ["2024-02-02"],
            ["2025-01-01"], [], ["2023"], ["2023-05"], ["2019-03-03", "2023-05-01"], ["2023-05", "2023-05-31"],
        ];
        var written = new List<Written>();
        for (var n = 0; n < goals.Length; n++)
        {
            var goal = await Client.CreateAsync(GoalWith("c", goals[n]));
            written.Add(new Written(goal.Id, goals[n].Length == 0 ? null : goals[n].Max(End), n));
            // Another category's goals between them, with dates among theirs.
            await Client.CreateAsync(GoalWith("other", n % 2 == 0 ? "2023-05-01" : "2026-01-01"));
        }
        // The sixth goal's date moves back; the seventh is deleted.
        var moved = GoalWith("c", "2018-01-01");
        moved.Id = written[5].Id;
        await Client.PutAsync(moved);
        written[5] = written[5] with { Latest = End("2018-01-01") };
        (await Client.DeleteAsync($"Goal/{written[6].Id}")).EnsureSuccessStatusCode();
        written.RemoveAt(6);
        return written;
    }

    [Fact]
    public async Task Latest_first_pages_give_the_sorted_order_with_several_equal_and_missing_dates()
    {
        var written = await SeedAsync();
        var expected = written.OrderByDescending(w => w.Latest ?? DateTimeOffset.MinValue).ThenBy(w => w.Order).Select(w => w.Id).ToList();
        var query = $"Goal?category=urn:walk:{suffix}|c&_sort=-target-date";
        using var outcomes = new SortWalkOutcomes();

        Assert.Equal(expected, await Client.IdsAsync($"{query}&_count=50"));
        foreach (var count in new[] { 1, 2, 3 })
        {
            var pages = await Client.WalkForwardAsync(await Client.SearchAsync($"{query}&_count={count}"));
            Assert.Equal(expected, pages.SelectMany(FhirHttp.MatchIds).ToList());
            var back = await Client.WalkBackAsync(pages[^1]);
            Assert.Equal(expected, back.SelectMany(FhirHttp.MatchIds).ToList());
        }
        var outcome = Outcome(categoryRows: written.Count, page: 2);
        Assert.True(outcomes.Of(outcome, Store is PostgresStore ? "postgres" : "sqlite", "Goal") > 0, $"No page was {outcome}.");
    }

    [Fact]
    public async Task A_goal_given_a_later_date_between_pages_is_not_met_again_and_none_is_skipped()
    {
        var written = await SeedAsync();
        var query = $"Goal?category=urn:walk:{suffix}|c&_sort=-target-date&_count=2";
        var first = await Client.SearchAsync(query);
        var seen = FhirHttp.MatchIds(first);
        // The last goal of the first page moves to the latest date of all: later pages must not show it again.
        var moved = GoalWith("c", "2030-01-01");
        moved.Id = seen[^1];
        await Client.PutAsync(moved);
        var ids = (await Client.WalkForwardAsync(first)).SelectMany(FhirHttp.MatchIds).ToList();
        var after = written.Where(w => !seen.Contains(w.Id))
            .OrderByDescending(w => w.Latest ?? DateTimeOffset.MinValue).ThenBy(w => w.Order).Select(w => w.Id);
        Assert.Equal([.. seen, .. after], ids);
    }
}

[Collection(SortWalkCollection.Name)]
public sealed class SqliteSortWalkTests(SqliteStore store) : SortWalkTests<SqliteStore>(store);

[Collection(SortWalkCollection.Name)]
public sealed class PostgresSortWalkTests(PostgresStore store) : SortWalkTests<PostgresStore>(store);

/// <summary>The same with the category common from 3 index rows: latest-first pages then walk the date index.</summary>
[Collection(SortWalkCollection.Name)]
public sealed class SqliteWalkedSortTests(CommonTokenSqliteStore store) : SortWalkTests<CommonTokenSqliteStore>(store);

[Collection(SortWalkCollection.Name)]
public sealed class PostgresWalkedSortTests(CommonTokenPostgresStore store) : SortWalkTests<CommonTokenPostgresStore>(store);

/// <summary>The same with a walk of 2 index rows: it then rarely fills a page, and the matches are sorted instead.</summary>
[Collection(SortWalkCollection.Name)]
public sealed class SqliteShortSortWalkTests(ShortSortWalkSqliteStore store) : SortWalkTests<ShortSortWalkSqliteStore>(store);

[Collection(SortWalkCollection.Name)]
public sealed class PostgresShortSortWalkTests(ShortSortWalkPostgresStore store) : SortWalkTests<ShortSortWalkPostgresStore>(store);

public sealed class ShortSortWalkSqliteStore() : SqliteStore(CommonToken.ShortSortWalk);

public sealed class ShortSortWalkPostgresStore() : PostgresStore(CommonToken.ShortSortWalk);

/// <summary>The sort walk's store classes run one after another, so a test's walk outcomes (the counter) are its own.</summary>
public static class SortWalkCollection
{
    public const string Name = "sort walk";
}
