using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Search.SampleClinic;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>_include and _revinclude, with :iterate, typed targets and wildcards.</summary>
public abstract class IncludeTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private async Task<SampleClinic> CreateClinicAsync() =>
        await SampleClinic.CreateAsync(async (label, r) => await CreateLabelledAsync(label, r));

    private async Task AssertBundleAsync(string query, IEnumerable<Resource> matches, IEnumerable<Resource> included)
    {
        var bundle = await SearchAsync(query);
        Assert.Equal(matches.Select(Key).Order(), bundle.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => Key(e.Resource)).Order());
        Assert.Equal(included.Select(Key).Order(), IncludedIds(bundle).Order());
    }

    [Fact]
    public async Task Include_adds_the_referenced_resources_once_each()
    {
        var c = await CreateClinicAsync();
        await AssertBundleAsync($"Observation?code={Systolic}&_include=Observation:subject", [c.AnSystolic, c.BinhSystolic], [c.An, c.Binh]);
        // Both of An's readings refer to An and Dr Hùng: each is included once.
        await AssertBundleAsync("Observation?subject:Patient.name=an&_include=Observation:subject&_include=Observation:performer",
            [c.AnSystolic, c.AnPulse], [c.An, c.DrHung]);
    }

    [Fact]
    public async Task Include_with_a_target_type_or_wildcard()
    {
        var c = await CreateClinicAsync();
        await AssertBundleAsync($"Observation?_id={c.AnPulse.Id}&_include=Observation:performer:Practitioner", [c.AnPulse], [c.DrHung]);
        await AssertBundleAsync($"Observation?_id={c.AnPulse.Id}&_include=Observation:performer:Organization", [c.AnPulse], []);
        await AssertBundleAsync($"Observation?_id={c.AnPulse.Id}&_include=Observation:*", [c.AnPulse], [c.An, c.DrHung]);
    }

    [Fact]
    public async Task Include_iterate_follows_references_of_included_resources()
    {
        var c = await CreateClinicAsync();
        await AssertBundleAsync($"Observation?code={Systolic}&_include=Observation:subject&_include:iterate=Patient:organization",
            [c.AnSystolic, c.BinhSystolic], [c.An, c.Binh, c.BachMai, c.HoaHao]);
        // Without :iterate the second include only applies to the matches (Observations), so adds nothing.
        await AssertBundleAsync($"Observation?code={Systolic}&_include=Observation:subject&_include=Patient:organization",
            [c.AnSystolic, c.BinhSystolic], [c.An, c.Binh]);
    }

    [Fact]
    public async Task Revinclude_adds_the_resources_that_refer_to_the_matches()
    {
        var c = await CreateClinicAsync();
        await AssertBundleAsync("Patient?name=nguyen&_revinclude=Observation:subject", [c.An, c.Cuc], [c.AnSystolic, c.AnPulse, c.CucPulse]);
        await AssertBundleAsync("Patient?name=nguyen&_revinclude=Observation:patient&_revinclude=Observation:performer", [c.An, c.Cuc], [c.AnSystolic, c.AnPulse, c.CucPulse]);
        await AssertBundleAsync($"Practitioner?_id={c.DrHung.Id}&_revinclude=Observation:performer", [c.DrHung], [c.AnSystolic, c.AnPulse]);
    }

    [Fact]
    public async Task Revinclude_iterate_walks_back_two_steps()
    {
        var c = await CreateClinicAsync();
        await AssertBundleAsync($"Organization?_id={c.BachMai.Id}&_revinclude=Patient:organization&_revinclude:iterate=Observation:subject",
            [c.BachMai], [c.An, c.AnSystolic, c.AnPulse]);
    }

    [Fact]
    public async Task Includes_leave_out_deleted_resources_and_resources_already_matched()
    {
        var c = await CreateClinicAsync();
        await FhirHttp.ExpectAsync(await Client.DeleteAsync($"Organization/{c.HoaHao.Id}"), System.Net.HttpStatusCode.NoContent);
        await AssertBundleAsync("Patient?name=b,an&_include=Patient:organization", [c.An, c.Binh], [c.BachMai]);
        // An's GP reference is to Dr Hùng; Bình's to Hòa Hảo (deleted). Matches are never repeated as includes.
        await AssertBundleAsync("Patient?name=an,b&_include=Patient:general-practitioner&_revinclude=Patient:general-practitioner", [c.An, c.Binh], [c.DrHung]);
    }

    [Fact]
    public async Task Includes_do_not_count_towards_total_or_page_size()
    {
        var c = await CreateClinicAsync();
        var bundle = await SearchAsync("Patient?name=nguyen&_revinclude=Observation:subject&_count=1&_total=accurate");
        Assert.Equal(2, bundle.Total);
        Assert.Single(MatchIds(bundle));
        var first = MatchIds(bundle)[0];
        var expected = first == c.An.Id ? new[] { c.AnSystolic, c.AnPulse } : new[] { c.CucPulse };
        Assert.Equal(expected.Select(Key).Order(), IncludedIds(bundle).Order());
    }
}

public sealed class SqliteIncludeTests(SqliteStore store) : IncludeTests<SqliteStore>(store);

public sealed class PostgresIncludeTests(PostgresStore store) : IncludeTests<PostgresStore>(store);
