using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>_count with next and previous links: every match once, also while others write; totals on every page.</summary>
public abstract class PagingTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<List<Patient>> CreatePatientsAsync(int count)
    {
        var patients = new List<Patient>();
        for (var i = 0; i < count; i++)
            patients.Add(await CreateAsync(new Patient
            {
                Name = [new HumanName { Family = i % 3 == 0 ? "Phạm" : "Vũ", Given = [$"Số {i}"] }],
                BirthDate = $"{1950 + i % 7}-0{1 + i % 9}-1{i % 10}",
            }));
        return patients;
    }

    [Fact]
    public async Task Next_links_visit_every_match_once_and_the_last_page_has_no_next()
    {
        var patients = await CreatePatientsAsync(10);
        var pages = await WalkForwardAsync(await SearchAsync("Patient?_count=3"));
        Assert.Equal([3, 3, 3, 1], pages.Select(p => MatchIds(p).Count));
        var visited = pages.SelectMany(MatchIds).ToList();
        Assert.Equal(visited.Count, visited.Distinct().Count());
        Assert.Equal(patients.Select(p => p.Id).Order(), visited.Order());
        Assert.Null(Link(pages[0], "previous"));
        Assert.All(pages.Skip(1), p => Assert.NotNull(Link(p, "previous")));
    }

    [Theory]
    [InlineData("birthdate=ge1951-01-01&birthdate=lt1955-01-01")]
    [InlineData("family=ph")]
    public async Task A_date_window_or_a_lone_name_pages_forward_and_back_over_exactly_its_matches(string criteria)
    {
        // The date window drives its pages from its index rows even beside the tag; the name beside the tag does not
        // (LoneCriterionPagingTests pages a lone name).
        var patients = await CreatePatientsAsync(14);
        var expected = patients.Where(p => criteria.StartsWith("birthdate")
                ? string.CompareOrdinal(p.BirthDate, "1951") >= 0 && string.CompareOrdinal(p.BirthDate, "1955") < 0
                : p.Name[0].Family == "Phạm")
            .Select(p => p.Id).Order().ToList();
        Assert.InRange(expected.Count, 5, 10);
        var query = $"Patient?{criteria}&_count=2";
        var forward = await WalkForwardAsync(await SearchAsync(query));
        var visited = forward.SelectMany(MatchIds).ToList();
        Assert.Equal(visited.Count, visited.Distinct().Count());
        Assert.Equal(expected, visited.Order());

        Assert.Equal(forward.Select(MatchIds), (await WalkBackAsync(forward[^1])).Select(MatchIds));
    }

    [Fact]
    public async Task Previous_links_walk_back_through_the_same_pages()
    {
        await CreatePatientsAsync(11);
        var forward = (await WalkForwardAsync(await SearchAsync("Patient?_count=4&_sort=birthdate"))).Select(MatchIds).ToList();
        var lastPage = await SearchAsync("Patient?_count=4&_sort=birthdate");
        while (Link(lastPage, "next") is { } next) lastPage = await Client.SearchAsync(next);

        var backward = await WalkBackAsync(lastPage);
        // Every page reached going back can go forward again.
        Assert.All(backward.SkipLast(1), page => Assert.NotNull(Link(page, "next")));
        Assert.Equal(forward, backward.Select(MatchIds));
    }

    [Fact]
    public async Task Page_links_keep_the_search_and_every_page_carries_the_accurate_total()
    {
        var patients = await CreatePatientsAsync(7);
        var expected = patients.Where(p => p.Name[0].Family == "Phạm").Select(p => p.Id).Order().ToList();
        var pages = await WalkForwardAsync(await SearchAsync("Patient?family=pham&_count=2&_total=accurate"));
        Assert.All(pages, p => Assert.Equal(expected.Count, p.Total));
        Assert.Equal(expected, pages.SelectMany(MatchIds).Order());
        Assert.All(pages.SelectMany(p => p.Link).Where(l => l.Relation is "next" or "previous"), l =>
        {
            Assert.Contains("family=pham", l.Url);
            Assert.Contains("_count=2", l.Url);
            Assert.Contains(Tag, l.Url);
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("&_sort=birthdate")]
    [InlineData("&_sort=-family,given")]
    [InlineData("&_sort=-_lastUpdated")]
    [InlineData("&_sort=_lastUpdated")]
    public async Task Walking_pages_while_others_create_and_update_matches_visits_each_original_match_once(string sort)
    {
        var originals = await CreatePatientsAsync(30);
        var created = new ConcurrentBag<string>();
        var writes = new SemaphoreSlim(0);
        using var stop = new CancellationTokenSource();
        var first = await SearchAsync($"Patient?_count=4&_total=accurate{sort}");

        // Creates a new match and updates an original one (not in a way that changes whether or where it matches),
        // over and over, until the walk ends; each round releases the walker for one more page.
        var writer = Task.Run(async () =>
        {
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                var fresh = await CreateAsync(new Patient { Name = [new HumanName { Family = "Phạm", Given = [$"Mới {round}"] }], BirthDate = "1950-01-01" });
                created.Add(fresh.Id);
                var original = originals[round % originals.Count];
                original.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, $"09{round:D8}")];
                originals[round % originals.Count] = await Client.PutAsync(original);
                writes.Release();
            }
        });

        var pages = await WalkForwardAsync(first, async () =>
        {
            Assert.True(await writes.WaitAsync(Deadline), "The concurrent writer made no progress.");
        });
        stop.Cancel();
        await writer;

        Assert.True(pages.Count >= 8, $"Only {pages.Count} pages.");
        Assert.NotEmpty(created);
        Assert.All(pages, p => Assert.Equal(originals.Count, p.Total));
        var visited = pages.SelectMany(MatchIds).ToList();
        var repeated = visited.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"Visited more than once: {string.Join(", ", repeated)}");
        Assert.Equal(originals.Select(p => p.Id).Order(), visited.Order());
    }

    [Fact]
    public async Task Count_zero_and_summary_count_give_the_total_without_entries()
    {
        var patients = await CreatePatientsAsync(5);
        foreach (var query in new[] { "Patient?_count=0", "Patient?_summary=count" })
        {
            var bundle = await SearchAsync(query);
            Assert.Equal(patients.Count, bundle.Total);
            Assert.Empty(bundle.Entry);
        }
    }

    [Theory]
    [InlineData("Patient?_count=abc", "_count")]
    [InlineData("Patient?_count=-1", "_count")]
    [InlineData("Patient?_cursor=khong-phai-con-tro", "page link")]
    public async Task Bad_count_or_page_link_is_refused_with_400(string query, string named)
    {
        Assert.Contains(named, await BadRequestAsync(query));
    }

    [Fact]
    public async Task A_page_link_used_with_a_different_sort_is_refused_with_400()
    {
        await CreatePatientsAsync(3);
        var next = Link(await SearchAsync("Patient?_count=1&_sort=birthdate"), "next")!;
        var cursor = next[(next.IndexOf("_cursor=", StringComparison.Ordinal) + "_cursor=".Length)..].Split('&')[0];
        Assert.Contains("page link", await BadRequestAsync(Scoped($"Patient?_count=1&_sort=birthdate,family&_cursor={cursor}")));
    }
}

public sealed class SqlitePagingTests(SqliteStore store) : PagingTests<SqliteStore>(store);

public sealed class PostgresPagingTests(PostgresStore store) : PagingTests<PostgresStore>(store);
