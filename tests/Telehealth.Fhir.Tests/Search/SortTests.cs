using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>_sort on string, date, token, quantity, _id and _lastUpdated; several keys; descending; with paging.</summary>
public abstract class SortTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    /// <summary>A patient as written, with the family and given name as a Vietnamese reader files them (no marks).</summary>
    private sealed record Person(int Order, Patient Patient, string Family, string Given, DateTimeOffset? Low, DateTimeOffset? High);

    private async Task<List<Person>> CreatePeopleAsync()
    {
        (string Family, string FamilyKey, string Given, string GivenKey, string? BirthDate)[] rows =
        [
            ("Nguyễn", "nguyen", "An", "an", "1990-05-01"),
            ("Nguyễn", "nguyen", "Bình", "binh", "1985"),
            ("Lê", "le", "Cúc", "cuc", "1990-05-01"),
            ("Trần", "tran", "Dũng", "dung", null),
            ("Lê", "le", "An", "an", "1970-12-31"),
            ("Nguyễn", "nguyen", "Em", "em", "1985-06"),
            ("Đặng", "dang", "Giang", "giang", "2001-02"),
        ];
        var people = new List<Person>();
        foreach (var (family, familyKey, given, givenKey, birthDate) in rows)
        {
            var patient = await CreateLabelledAsync($"{family} {given}", new Patient
            {
                Name = [new HumanName { Family = family, Given = [given] }],
                BirthDate = birthDate,
                Gender = people.Count % 2 == 0 ? AdministrativeGender.Female : AdministrativeGender.Male,
            });
            var (low, high) = BirthRange(birthDate);
            people.Add(new Person(people.Count, patient, familyKey, givenKey, low, high));
        }
        return people;
    }

    /// <summary>Ascending sorts on the start of a date's range, descending on its end; a missing value is lowest.</summary>
    private static (DateTimeOffset?, DateTimeOffset?) BirthRange(string? birthDate) => birthDate?.Length switch
    {
        null => (null, null),
        4 => (new DateTimeOffset(int.Parse(birthDate), 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(int.Parse(birthDate), 12, 31, 23, 59, 59, TimeSpan.Zero)),
        7 => (DateTimeOffset.Parse(birthDate + "-01T00:00:00Z"), DateTimeOffset.Parse(birthDate + "-01T00:00:00Z").AddMonths(1).AddTicks(-1)),
        _ => (DateTimeOffset.Parse(birthDate + "T00:00:00Z"), DateTimeOffset.Parse(birthDate + "T00:00:00Z").AddDays(1).AddTicks(-1)),
    };

    private async Task AssertOrderAsync(string query, IEnumerable<Person> expected)
    {
        var want = expected.Select(p => p.Patient.Id).ToList();
        var got = await IdsAsync(query);
        Assert.True(want.SequenceEqual(got),
            $"{query}\n  expected: {string.Join(", ", want.Select(id => Labels[id]))}\n  found:    {string.Join(", ", got.Select(id => Labels.GetValueOrDefault(id, id)))}");
    }

    [Fact]
    public async Task Sort_by_family_files_Vietnamese_names_without_their_marks()
    {
        var people = await CreatePeopleAsync();
        await AssertOrderAsync("Patient?_sort=family", people.OrderBy(p => p.Family, StringComparer.Ordinal).ThenBy(p => p.Order));
        await AssertOrderAsync("Patient?_sort=-family", people.OrderByDescending(p => p.Family, StringComparer.Ordinal).ThenBy(p => p.Order));
    }

    [Fact]
    public async Task Sort_by_date_uses_the_start_ascending_and_the_end_descending()
    {
        var people = await CreatePeopleAsync();
        await AssertOrderAsync("Patient?_sort=birthdate", people.OrderBy(p => p.Low ?? DateTimeOffset.MinValue).ThenBy(p => p.Order));
        await AssertOrderAsync("Patient?_sort=-birthdate", people.OrderByDescending(p => p.High ?? DateTimeOffset.MinValue).ThenBy(p => p.Order));
    }

    [Fact]
    public async Task Several_sort_keys_apply_in_turn_each_in_its_own_direction()
    {
        var people = await CreatePeopleAsync();
        await AssertOrderAsync("Patient?_sort=family,given",
            people.OrderBy(p => p.Family, StringComparer.Ordinal).ThenBy(p => p.Given, StringComparer.Ordinal).ThenBy(p => p.Order));
        await AssertOrderAsync("Patient?_sort=-family,birthdate",
            people.OrderByDescending(p => p.Family, StringComparer.Ordinal).ThenBy(p => p.Low ?? DateTimeOffset.MinValue).ThenBy(p => p.Order));
        await AssertOrderAsync("Patient?_sort=gender,-given",
            people.OrderBy(p => p.Patient.Gender!.Value.ToString().ToLowerInvariant(), StringComparer.Ordinal)
                .ThenByDescending(p => p.Given, StringComparer.Ordinal).ThenBy(p => p.Order));
    }

    [Fact]
    public async Task Sort_by_id_and_lastUpdated()
    {
        var people = await CreatePeopleAsync();
        await AssertOrderAsync("Patient?_sort=_id", people.OrderBy(p => p.Patient.Id, StringComparer.Ordinal));
        await AssertOrderAsync("Patient?_sort=-_id", people.OrderByDescending(p => p.Patient.Id, StringComparer.Ordinal));
        await AssertOrderAsync("Patient?_sort=_lastUpdated", people.OrderBy(p => p.Patient.Meta.LastUpdated).ThenBy(p => p.Order));
        await AssertOrderAsync("Patient?_sort=-_lastUpdated", people.OrderByDescending(p => p.Patient.Meta.LastUpdated).ThenBy(p => p.Order));
    }

    [Fact]
    public async Task Sort_by_quantity_orders_by_value()
    {
        decimal[] values = [120m, 95.5m, 140m, 101m, 88m];
        var readings = new List<Observation>();
        foreach (var v in values)
            readings.Add(await CreateAsync(new Observation
            {
                Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8480-6"),
                Value = new Quantity { Value = v, System = "http://unitsofmeasure.org", Code = "mm[Hg]" },
            }));
        var ascending = readings.Zip(values).OrderBy(x => x.Second).Select(x => x.First.Id).ToList();
        Assert.Equal(ascending, await IdsAsync("Observation?_sort=value-quantity"));
        Assert.Equal(ascending.AsEnumerable().Reverse(), await IdsAsync("Observation?_sort=-value-quantity"));
    }

    [Theory]
    [InlineData("birthdate")]
    [InlineData("-birthdate")]
    [InlineData("-family,birthdate")]
    [InlineData("family,given")]
    [InlineData("_lastUpdated")]
    public async Task Sorted_pages_followed_by_next_links_give_the_unpaged_order(string sort)
    {
        await CreatePeopleAsync();
        var unpaged = await IdsAsync($"Patient?_sort={sort}");
        var paged = new List<string>();
        var bundle = await SearchAsync($"Patient?_sort={sort}&_count=2");
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 10, "The next links never end.");
            paged.AddRange(MatchIds(bundle));
            if (Link(bundle, "next") is not { } next) break;
            bundle = await Client.SearchAsync(next);
        }
        Assert.Equal(unpaged, paged);
    }

    [Fact]
    public async Task Unknown_sort_key_is_ignored_by_default_and_refused_when_strict()
    {
        var people = await CreatePeopleAsync();
        var bundle = await SearchAsync("Patient?_sort=khongco,-family");
        Assert.Equal(people.OrderByDescending(p => p.Family, StringComparer.Ordinal).ThenBy(p => p.Order).Select(p => p.Patient.Id), MatchIds(bundle));
        Assert.Contains("_sort=-family", Link(bundle, "self"));
        Assert.DoesNotContain("khongco", Link(bundle, "self"));
        Assert.Contains("khongco", await BadRequestAsync(Scoped("Patient?_sort=khongco"), strict: true));
    }
}

public sealed class SqliteSortTests(SqliteStore store) : SortTests<SqliteStore>(store);

public sealed class PostgresSortTests(PostgresStore store) : SortTests<PostgresStore>(store);

/// <summary>
/// The same with the tag common from 3 index rows: a tagged search sorted by one date, latest first, then walks the
/// date index (SortWalkSql) instead of sorting the matches.
/// </summary>
public sealed class SqliteWalkedSortOrderTests(CommonTokenSqliteStore store) : SortTests<CommonTokenSqliteStore>(store);

public sealed class PostgresWalkedSortOrderTests(CommonTokenPostgresStore store) : SortTests<CommonTokenPostgresStore>(store);
