using System.Globalization;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>
/// Date parameters with every prefix against stored values of different precision (year, month, day, dateTime,
/// instant, Period). The expected matches come from the prefix definitions of the FHIR R4 search page, applied
/// here to the ranges the written values cover.
/// </summary>
public abstract class DateSearchTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private static readonly string[] BirthDates = ["1980", "1980-06", "1980-06-15", "1980-12-31", "1981-01-01", "1979-12-31"];

    private static readonly string[] BirthdateQueries = ["1980", "1980-06", "1980-06-15", "1980-12-31T12:00:00Z", "1979"];

    /// <summary>Observation.effective values: a dateTime, or a Period written as "start/end" (either side may be empty).</summary>
    private static readonly string[] Effective =
    [
        "2024-03-05T10:30:00+07:00", "2024-03-05T23:30:00Z", "2024-03", "2024-02-20/2024-03-10",
        "2024-03-10T08:00:00Z/", "2024-03-01/2024-03-31", "/2024-02-29", "2024-03-31T23:59:59.999Z",
        // Short periods across a searched day's or instant's edge, one of each span class under a day (the index
        // bounds their start by the longest span of their class).
        "2024-03-04T23:40:00Z/2024-03-05T00:20:00Z", "2024-03-04T20:00:00Z/2024-03-05T03:00:00Z",
        "2024-03-05T03:10:00Z/2024-03-05T03:50:00Z", "2024-03-05T00:00:00Z/2024-03-05T23:59:59Z",
    ];

    private static readonly string[] EffectiveQueries =
        ["2024-03", "2024-03-05", "2024-03-05T03:30:00Z", "2024", "2024-03-10T08:00:00Z", "2024-03-05T10:30:00+07:00"];

    [Theory]
    [InlineData("eq"), InlineData("ne"), InlineData("gt"), InlineData("lt"), InlineData("ge"), InlineData("le"), InlineData("sa"), InlineData("eb")]
    public async Task Birthdate_prefix_compares_the_ranges_of_year_month_and_day_values(string prefix)
    {
        var patients = new List<(Patient Resource, Window Range)>();
        foreach (var birthDate in BirthDates)
            patients.Add((await CreateLabelledAsync(birthDate, new Patient { BirthDate = birthDate }), Window.Of(birthDate)));
        foreach (var query in BirthdateQueries)
        {
            var searched = Window.Of(query);
            var expected = patients.Where(p => Matches(prefix, p.Range, searched)).Select(p => p.Resource);
            await AssertFindsAsync($"Patient?birthdate={prefix}{Esc(query)}", expected);
        }
    }

    [Theory]
    [InlineData("eq"), InlineData("ne"), InlineData("gt"), InlineData("lt"), InlineData("ge"), InlineData("le"), InlineData("sa"), InlineData("eb")]
    public async Task Observation_date_prefix_compares_dateTimes_instants_and_periods(string prefix)
    {
        var observations = new List<(Observation Resource, Window Range)>();
        foreach (var effective in Effective)
            observations.Add((await CreateLabelledAsync(effective, Observed(effective)), Window.OfEffective(effective)));
        foreach (var query in EffectiveQueries)
        {
            var searched = Window.Of(query);
            var expected = observations.Where(o => Matches(prefix, o.Range, searched)).Select(o => o.Resource);
            await AssertFindsAsync($"Observation?date={prefix}{Esc(query)}", expected);
        }
    }

    [Fact]
    public async Task No_prefix_means_eq()
    {
        var day = await CreateLabelledAsync("1990-04-30", new Patient { BirthDate = "1990-04-30" });
        var month = await CreateLabelledAsync("1990-04", new Patient { BirthDate = "1990-04" });
        await CreateLabelledAsync("1990-05-01", new Patient { BirthDate = "1990-05-01" });
        await AssertFindsAsync("Patient?birthdate=1990-04", day, month);
        await AssertFindsAsync("Patient?birthdate=1990-04-30", day);
    }

    [Fact]
    public async Task Approximately_matches_dates_near_the_value_and_not_far_ones()
    {
        var near = await CreateLabelledAsync("1980-07-01", new Patient { BirthDate = "1980-07-01" });
        var same = await CreateLabelledAsync("1980-06-15", new Patient { BirthDate = "1980-06-15" });
        await CreateLabelledAsync("1950-01-01", new Patient { BirthDate = "1950-01-01" });
        await CreateLabelledAsync("2020-01-01", new Patient { BirthDate = "2020-01-01" });
        await AssertFindsAsync("Patient?birthdate=ap1980-06-15", near, same);
    }

    [Fact]
    public async Task Missing_finds_resources_without_the_date()
    {
        var born = await CreateAsync(new Patient { BirthDate = "1966" });
        var unknown = await CreateAsync(new Patient { Gender = AdministrativeGender.Unknown });
        await AssertFindsAsync("Patient?birthdate:missing=true", unknown);
        await AssertFindsAsync("Patient?birthdate:missing=false", born);
        // _lastUpdated is always there.
        await AssertFindsAsync("Patient?_lastUpdated:missing=true");
        await AssertFindsAsync("Patient?_lastUpdated:missing=false", born, unknown);
    }

    [Fact]
    public async Task Two_date_conditions_make_a_range()
    {
        var inside = await CreateLabelledAsync("2024-03-05", Observed("2024-03-05T09:00:00Z"));
        await CreateLabelledAsync("2024-02-28", Observed("2024-02-28T09:00:00Z"));
        await CreateLabelledAsync("2024-04-02", Observed("2024-04-02T09:00:00Z"));
        await AssertFindsAsync("Observation?date=ge2024-03-01&date=lt2024-04-01", inside);
    }

    /// <summary>
    /// A window of up to a week that alone is the search drives its pages from the index a whole day at a time, from
    /// the cursor on, with the parts of days at its edges (the hour before a day of instants) read as ranges
    /// (DateSql.DayParts); beside another criterion (the tag) it is read as one range. Either way each pair of
    /// conditions finds what both definitions admit, page by page in the order of creation, forward and back; a match
    /// created during the walk stays out of it and one deleted is gone. The values lie in a year of this test's own
    /// ("Y"), so the search without the tag finds no other test's data.
    /// </summary>
    [Theory]
    [InlineData("geY-03-05", "ltY-03-06")]
    [InlineData("gtY-03-04", "leY-03-06")]
    [InlineData("geY-03-04T12:00:00Z", "ltY-03-06T06:00:00Z")]
    [InlineData("saY-03-03", "ebY-03-10")]
    [InlineData("geY-03-01", "leY-03-07")]
    [InlineData("geY-03-04T23:00:00Z", "ltY-03-05T01:00:00Z")]
    public async Task A_window_of_a_few_days_pages_over_what_both_conditions_admit(string first, string second)
    {
        var year = (3000 + Random.Shared.Next(5000)).ToString(CultureInfo.InvariantCulture);
        string[] values =
        [
            "Y-03-05T10:30:00+07:00", "Y-03-05T23:30:00Z", "Y-03", "Y-02-20/Y-03-10", "Y-03-04T23:30:00Z",
            "Y-03-05T00:00:00Z", "Y-03-05T12:00:00Z", "Y-03-06T00:00:00Z", "Y-03-06T05:59:59Z", "Y-03-04", "Y-03-06",
            "Y-03-07T23:59:59Z", "Y-03-08T00:00:00Z", "Y-03-04T00:00:00Z/Y-03-04T23:00:00Z", "Y-03-05T22:00:00Z/Y-03-06T02:00:00Z",
            "Y-03-03/Y-03-05", "Y-03-04T23:40:00Z/Y-03-05T00:20:00Z", "Y-03-05T03:10:00Z/Y-03-05T03:50:00Z", "Y-03-02T18:00:00Z",
        ];
        var observations = new List<(Observation Resource, Window Range)>();
        foreach (var effective in values.Select(v => v.Replace("Y", year)))
            observations.Add((await CreateLabelledAsync(effective, Observed(effective)), Window.OfEffective(effective)));
        var (from, to) = (first.Replace("Y", year), second.Replace("Y", year));
        var admitted = observations.Where(o => Matches(from[..2], o.Range, Window.Of(from[2..])) && Matches(to[..2], o.Range, Window.Of(to[2..])))
            .Select(o => o.Resource).ToList();
        Assert.InRange(admitted.Count, 3, observations.Count - 1);
        var query = $"Observation?date={Esc(from)}&date={Esc(to)}&_count=2";

        var tagged = await WalkForwardAsync(await SearchAsync(query));
        Assert.Equal(admitted.Select(o => Labels[o.Id]), tagged.SelectMany(MatchIds).Select(Label));

        // Alone: after the first page, a new match appears and one still to come is deleted. Other tests' periods
        // without an end reach into this year too: they are matches like ours, and pass by in key order (first).
        var late = admitted[^1];
        string? created = null;
        var lone = await WalkForwardAsync(await Client.SearchAsync(query), betweenPages: async () =>
        {
            if (created is not null) return;
            created = (await CreateAsync(Observed(Labels[admitted[0].Id]))).Id;
            (await Client.DeleteAsync($"Observation/{late.Id}")).EnsureSuccessStatusCode();
        });
        var walked = lone.SelectMany(MatchIds).ToList();
        Assert.Equal(walked.Count, walked.Distinct().Count());
        Assert.Equal(admitted.SkipLast(1).Select(o => Labels[o.Id]), walked.Where(Labels.ContainsKey).Select(Label));
        Assert.NotNull(created);
        Assert.DoesNotContain(created, walked);
        Assert.Equal(lone.Select(MatchIds), (await WalkBackAsync(lone[^1])).Select(MatchIds));
    }

    [Fact]
    public async Task LastUpdated_compares_with_every_prefix()
    {
        var first = await CreateAsync(new Patient { BirthDate = "2001" });
        var second = await CreateAsync(new Patient { BirthDate = "2002" });
        var third = await CreateAsync(new Patient { BirthDate = "2003" });
        Patient[] all = [first, second, third];
        var at = second.Meta.LastUpdated!.Value;
        var value = Esc(at.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
        await AssertFindsAsync($"Patient?_lastUpdated={value}", all.Where(p => p.Meta.LastUpdated == at));
        await AssertFindsAsync($"Patient?_lastUpdated=ne{value}", all.Where(p => p.Meta.LastUpdated != at));
        await AssertFindsAsync($"Patient?_lastUpdated=gt{value}", all.Where(p => p.Meta.LastUpdated > at));
        await AssertFindsAsync($"Patient?_lastUpdated=ge{value}", all.Where(p => p.Meta.LastUpdated >= at));
        await AssertFindsAsync($"Patient?_lastUpdated=lt{value}", all.Where(p => p.Meta.LastUpdated < at));
        await AssertFindsAsync($"Patient?_lastUpdated=le{value}", all.Where(p => p.Meta.LastUpdated <= at));
        await AssertFindsAsync($"Patient?_lastUpdated=sa{value}", all.Where(p => p.Meta.LastUpdated > at));
        await AssertFindsAsync($"Patient?_lastUpdated=eb{value}", all.Where(p => p.Meta.LastUpdated < at));
        var hour = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) + "Z";
        await AssertFindsAsync($"Patient?_lastUpdated=ge{Esc(hour)}", all.Where(p => p.Meta.LastUpdated!.Value.UtcDateTime >= DateTime.Parse(hour[..16])));
        await AssertFindsAsync($"Patient?_lastUpdated=lt{at.Year - 1}");
    }

    [Theory]
    [InlineData("Patient?birthdate=notadate")]
    [InlineData("Patient?birthdate=1980-13")]
    [InlineData("Patient?birthdate=ge1980-02-30")]
    [InlineData("Patient?birthdate=xx1980")]
    [InlineData("Patient?_lastUpdated=gtyesterday")]
    [InlineData("Observation?date=2024-03-05T25:00:00Z")]
    public async Task A_value_that_is_not_a_date_is_refused_with_400_naming_the_parameter(string query)
    {
        var text = await BadRequestAsync(query);
        var parameter = query[(query.IndexOf('?') + 1)..query.IndexOf('=')];
        Assert.Contains(parameter, text);
    }

    private static Observation Observed(string effective)
    {
        var observation = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4") };
        if (effective.Contains('/'))
        {
            var (start, end) = (effective[..effective.IndexOf('/')], effective[(effective.IndexOf('/') + 1)..]);
            observation.Effective = new Period { Start = start.Length == 0 ? null : start, End = end.Length == 0 ? null : end };
        }
        else if (effective.Contains('.')) observation.Effective = new Instant(DateTimeOffset.Parse(effective, CultureInfo.InvariantCulture));
        else observation.Effective = new FhirDateTime(effective);
        return observation;
    }

    /// <summary>The FHIR R4 prefix definitions, for a target range and a searched range.</summary>
    private static bool Matches(string prefix, Window target, Window search)
    {
        var contained = search.Start <= target.Start && target.End <= search.End;
        var reachesAbove = target.End > search.End;
        var reachesBelow = target.Start < search.Start;
        return prefix switch
        {
            "eq" => contained,
            "ne" => !contained,
            "gt" => reachesAbove,
            "lt" => reachesBelow,
            "ge" => reachesAbove || contained,
            "le" => reachesBelow || contained,
            "sa" => target.Start >= search.End,
            "eb" => target.End <= search.Start,
            _ => throw new ArgumentOutOfRangeException(nameof(prefix)),
        };
    }

    /// <summary>The half-open span of time [Start, End) a date value stands for, at its own precision.</summary>
    private sealed record Window(DateTimeOffset Start, DateTimeOffset End)
    {
        public static Window Of(string value)
        {
            var utc = TimeSpan.Zero;
            switch (value.Length)
            {
                case 4:
                    var year = new DateTimeOffset(int.Parse(value), 1, 1, 0, 0, 0, utc);
                    return new(year, year.AddYears(1));
                case 7:
                    var month = new DateTimeOffset(int.Parse(value[..4]), int.Parse(value[5..7]), 1, 0, 0, 0, utc);
                    return new(month, month.AddMonths(1));
                case 10:
                    var day = new DateTimeOffset(int.Parse(value[..4]), int.Parse(value[5..7]), int.Parse(value[8..10]), 0, 0, 0, utc);
                    return new(day, day.AddDays(1));
                default:
                    var instant = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);
                    return new(instant, instant + (value.Contains('.') ? TimeSpan.FromMilliseconds(1) : TimeSpan.FromSeconds(1)));
            }
        }

        public static Window OfEffective(string effective)
        {
            if (!effective.Contains('/')) return Of(effective);
            var (start, end) = (effective[..effective.IndexOf('/')], effective[(effective.IndexOf('/') + 1)..]);
            return new(start.Length == 0 ? DateTimeOffset.MinValue : Of(start).Start, end.Length == 0 ? DateTimeOffset.MaxValue : Of(end).End);
        }
    }
}

public sealed class SqliteDateSearchTests(SqliteStore store) : DateSearchTests<SqliteStore>(store);

public sealed class PostgresDateSearchTests(PostgresStore store) : DateSearchTests<PostgresStore>(store);
