using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>
/// Base of the search suites. xUnit makes a new instance per test, so each test gets its own tag: everything a test
/// writes carries it, and every search it checks is narrowed by it, so tests sharing the class's database never see
/// each other's data.
/// </summary>
public abstract class TaggedSearchTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    public const string TagSystem = "https://telehealth.vn/fhir/CodeSystem/test-run";

    protected TStore Store { get; } = store;

    protected HttpClient Client => Store.Host.Client;

    protected string BaseUrl => Store.Host.BaseUrl;

    /// <summary>This test's own tag code.</summary>
    protected string Tag { get; } = "t" + Guid.NewGuid().ToString("N")[..16];

    protected string TagParameter => $"_tag={TagSystem}|{Tag}";

    /// <summary>A short random value for identifiers, codes and names a test needs to be its own.</summary>
    protected static string Unique(string prefix = "") => prefix + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Percent-encodes a search value, so "+07:00", "\\," and Vietnamese letters reach the server as written.</summary>
    protected static string Esc(string value) => Uri.EscapeDataString(value);

    protected T Tagged<T>(T resource) where T : Resource
    {
        resource.Meta ??= new Meta();
        resource.Meta.Tag.Add(new Coding(TagSystem, Tag));
        return resource;
    }

    protected Task<T> CreateAsync<T>(T resource) where T : Resource => Client.CreateAsync(Tagged(resource));

    protected async Task<List<T>> CreateAllAsync<T>(IEnumerable<T> resources) where T : Resource
    {
        var created = new List<T>();
        foreach (var r in resources) created.Add(await CreateAsync(r));
        return created;
    }

    /// <summary>The query with this test's tag added, e.g. "Patient?name=an" → "Patient?name=an&amp;_tag=...".</summary>
    protected string Scoped(string query) => query + (query.Contains('?') ? "&" : "?") + TagParameter;

    /// <summary>Ids of the matches of a tag-scoped search, in the order the server returned them.</summary>
    protected Task<List<string>> IdsAsync(string query) => Client.IdsAsync(Scoped(query));

    protected Task<Bundle> SearchAsync(string query) => Client.SearchAsync(Scoped(query));

    /// <summary>Checks that the tag-scoped search finds exactly <paramref name="expected"/>, in any order, each once.</summary>
    protected async Task AssertFindsAsync(string query, IEnumerable<Resource> expected)
    {
        var want = expected.Select(r => r.Id).Order().ToList();
        var got = (await IdsAsync(query)).Order().ToList();
        Assert.True(want.SequenceEqual(got),
            $"{query}\n  expected: {string.Join(", ", want.Select(Label))}\n  found:    {string.Join(", ", got.Select(Label))}");
    }

    protected Task AssertFindsAsync(string query, params Resource[] expected) => AssertFindsAsync(query, expected.AsEnumerable());

    /// <summary>Lets a failure message name resources by what the test called them instead of by a GUID.</summary>
    protected Dictionary<string, string> Labels { get; } = [];

    protected string Label(string? id) => id is not null && Labels.TryGetValue(id, out var label) ? label : id ?? "(no id)";

    protected async Task<T> CreateLabelledAsync<T>(string label, T resource) where T : Resource
    {
        var created = await CreateAsync(resource);
        Labels[created.Id] = label;
        return created;
    }

    protected async Task<HttpResponseMessage> GetAsync(string query, bool strict = false)
    {
        var request = FhirHttp.Request(HttpMethod.Get, query);
        if (strict) request.Headers.TryAddWithoutValidation("Prefer", "handling=strict");
        return await Client.SendAsync(request);
    }

    /// <summary>A search that must be refused with 400; returns the OperationOutcome's text.</summary>
    protected async Task<string> BadRequestAsync(string query, bool strict = false)
    {
        var response = await GetAsync(query, strict);
        await FhirHttp.ExpectAsync(response, HttpStatusCode.BadRequest);
        return await FhirHttp.OutcomeTextAsync(response);
    }

    /// <summary>Follows next links from <paramref name="first"/> (<see cref="FhirHttp.WalkForwardAsync"/>).</summary>
    protected Task<List<Bundle>> WalkForwardAsync(Bundle first, Func<Task>? betweenPages = null) => Client.WalkForwardAsync(first, betweenPages);

    /// <summary>Follows previous links from <paramref name="last"/> (<see cref="FhirHttp.WalkBackAsync"/>).</summary>
    protected Task<List<Bundle>> WalkBackAsync(Bundle last) => Client.WalkBackAsync(last);

    protected static string? Link(Bundle bundle, string relation) => FhirHttp.Link(bundle, relation);

    protected static List<string> MatchIds(Bundle bundle) => FhirHttp.MatchIds(bundle);

    protected static List<string> IncludedIds(Bundle bundle) =>
        bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Include).Select(e => $"{e.Resource.TypeName}/{e.Resource.Id}").ToList();
}
