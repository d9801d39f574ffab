using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>
/// Many writers at once, half of them at a second, independent service instance on the same database: version checks
/// and conditional creates must hold across instances, not only within one process.
/// </summary>
public abstract class ConcurrencyTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private const int Writers = 16;

    private static Patient NewPatient(string system, string value) => new()
    {
        Identifier = [new Identifier(system, value)],
        Name = [new HumanName { Family = "Võ", Given = ["Thị", "Sáu"] }],
        BirthDate = "1990-01-01",
    };

    /// <summary>
    /// Builds every request first, then releases them together: each task waits on one gate, so the requests
    /// race at both instances instead of trickling in as they are built.
    /// </summary>
    private static async Task<HttpResponseMessage[]> RaceAsync(HttpClient[] clients, Func<int, HttpRequestMessage> request)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, Writers).Select(request).ToArray();
        var tasks = requests.Select((r, i) => Task.Run(async () =>
        {
            await gate.Task;
            return await clients[i % clients.Length].SendAsync(r);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage[] responses) =>
        string.Join("\n", await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}")));

    [Fact]
    public async Task Concurrent_updates_with_the_same_If_Match_at_two_instances_let_exactly_one_through()
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        var created = await clients[0].CreateAsync(NewPatient("urn:test:race", Guid.NewGuid().ToString("N")));

        var responses = await RaceAsync(clients, i =>
        {
            var body = NewPatient("urn:test:race", created.Identifier[0].Value);
            body.Id = created.Id;
            body.BirthDate = new DateTime(2000, 1, 1).AddDays(i).ToString("yyyy-MM-dd");
            return FhirHttp.Request(HttpMethod.Put, $"Patient/{created.Id}", FhirHttp.Content(body), ("If-Match", "W/\"1\""));
        });

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) == 1 && statuses.Count(s => s == HttpStatusCode.PreconditionFailed) == Writers - 1,
            await DescribeAsync(responses));
        // The losers are told why: the resource moved on to version 2 (not that it is missing).
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.PreconditionFailed))
            Assert.Contains("version 2", await FhirHttp.OutcomeTextAsync(refused));
        var winner = await FhirHttp.ReadAsync<Patient>(responses.Single(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var client in clients)
        {
            var current = await FhirHttp.ReadAsync<Patient>(await client.GetAsync($"Patient/{created.Id}"));
            Assert.Equal("2", current.Meta.VersionId);
            Assert.Equal(winner.BirthDate, current.BirthDate);
        }
        var history = await clients[1].SearchAsync($"Patient/{created.Id}/_history");
        Assert.Equal(2, history.Entry.Count);
    }

    /// <param name="spelledDifferently">
    /// The writers send the same decision spelt five ways (encoded, reordered, without the system, with a second
    /// criterion) instead of one way.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_conditional_creates_at_two_instances_create_exactly_one_resource(bool spelledDifferently)
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        var cccd = "0790" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        const string system = "https://telehealth.vn/fhir/sid/cccd";
        string[] criteria = spelledDifferently
            ?
            [
                $"identifier={system}|{cccd}",
                $"identifier={Uri.EscapeDataString(system)}%7C{cccd}",
                $"birthdate=1990-01-01&identifier={system}|{cccd}",
                $"identifier={system}|{cccd}&birthdate=1990-01-01",
                $"identifier={cccd}",
            ]
            : [$"identifier={system}|{cccd}"];

        var responses = await RaceAsync(clients, i => FhirHttp.Request(HttpMethod.Post, "Patient",
            FhirHttp.Content(NewPatient(system, cccd)), ("If-None-Exist", criteria[i % criteria.Length])));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1 && statuses.Count(s => s == HttpStatusCode.OK) == Writers - 1,
            await DescribeAsync(responses));
        var ids = (await Task.WhenAll(responses.Select(FhirHttp.ReadAsync<Patient>))).Select(p => p.Id).Distinct().ToList();
        Assert.Single(ids);
        foreach (var client in clients)
            Assert.Equal(ids, await client.IdsAsync($"Patient?identifier={system}|{cccd}"));
    }

    [Fact]
    public async Task Transactions_with_the_same_conditional_creates_in_opposite_orders_neither_deadlock_nor_duplicate()
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        const string system = "https://telehealth.vn/fhir/sid/cccd";
        var (first, other) = ("0792" + Random.Shared.NextInt64(10_000_000, 99_999_999), "0793" + Random.Shared.NextInt64(10_000_000, 99_999_999));

        var responses = await RaceAsync(clients, i =>
        {
            var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
            var pair = i % 2 == 0 ? new[] { first, other } : [other, first];
            foreach (var cccd in pair)
                bundle.Entry.Add(BundleHttp.Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(system, cccd),
                    $"urn:uuid:{Guid.NewGuid()}", ifNoneExist: $"identifier={system}|{cccd}"));
            return FhirHttp.Request(HttpMethod.Post, "", FhirHttp.Content(bundle));
        });

        Assert.True(responses.All(r => r.StatusCode == HttpStatusCode.OK), await DescribeAsync(responses));
        foreach (var cccd in new[] { first, other })
            Assert.Single(await clients[0].IdsAsync($"Patient?identifier={system}|{cccd}"));
    }

    [Fact]
    public async Task Transactions_updating_the_same_two_resources_in_opposite_orders_either_apply_whole_or_are_told_to_retry()
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        var pair = new[] { await clients[0].CreateAsync(NewPatient("urn:test:race", Guid.NewGuid().ToString("N"))),
                           await clients[0].CreateAsync(NewPatient("urn:test:race", Guid.NewGuid().ToString("N"))) };

        var responses = await RaceAsync(clients, i =>
        {
            var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
            foreach (var patient in i % 2 == 0 ? pair : pair.Reverse())
            {
                var body = NewPatient("urn:test:race", patient.Identifier[0].Value);
                body.Id = patient.Id;
                body.BirthDate = new DateTime(2000, 1, 1).AddDays(i).ToString("yyyy-MM-dd");
                bundle.Entry.Add(BundleHttp.Entry(Bundle.HTTPVerb.PUT, $"Patient/{patient.Id}", body));
            }
            return FhirHttp.Request(HttpMethod.Post, "", FhirHttp.Content(bundle));
        });

        // PostgreSQL may end one of two bundles waiting on each other: that one is a 409 saying to send it again.
        Assert.True(responses.All(r => r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict), await DescribeAsync(responses));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Contains("Send it again", await FhirHttp.OutcomeTextAsync(refused));
        // Each bundle applied whole or not at all: both patients went through the same number of versions, and the
        // last bundle to commit wrote both.
        var applied = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var current = await Task.WhenAll(pair.Select(p => clients[1].ReadOkAsync<Patient>($"Patient/{p.Id}")));
        Assert.All(current, p => Assert.Equal($"{1 + applied}", p.Meta.VersionId));
        Assert.Equal(current[0].BirthDate, current[1].BirthDate);
    }

    [Fact]
    public async Task Concurrent_conditional_updates_at_two_instances_create_one_resource_and_version_it_once_per_writer()
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        var code = "CU" + Guid.NewGuid().ToString("N")[..10];

        var responses = await RaceAsync(clients, i =>
        {
            var body = NewPatient("urn:test:race", code);
            body.BirthDate = new DateTime(1990, 1, 1).AddDays(i).ToString("yyyy-MM-dd");
            return FhirHttp.Request(HttpMethod.Put, $"Patient?identifier=urn:test:race|{code}", FhirHttp.Content(body));
        });

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1 && statuses.Count(s => s == HttpStatusCode.OK) == Writers - 1,
            await DescribeAsync(responses));
        var id = Assert.Single(await clients[0].IdsAsync($"Patient?identifier=urn:test:race|{code}"));
        var versions = (await Task.WhenAll(responses.Select(FhirHttp.ReadAsync<Patient>))).Select(p => int.Parse(p.Meta.VersionId)).Order();
        Assert.Equal(Enumerable.Range(1, Writers), versions);
        Assert.Equal($"{Writers}", (await FhirHttp.ReadAsync<Patient>(await clients[1].GetAsync($"Patient/{id}"))).Meta.VersionId);
    }

    [Fact]
    public async Task Concurrent_creates_of_the_same_client_chosen_id_at_two_instances_make_one_resource_with_a_version_each()
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        var id = "race-" + Guid.NewGuid().ToString("N")[..12];

        var responses = await RaceAsync(clients, i =>
        {
            var body = NewPatient("urn:test:race", id);
            body.Id = id;
            body.BirthDate = new DateTime(1990, 1, 1).AddDays(i).ToString("yyyy-MM-dd");
            return FhirHttp.Request(HttpMethod.Put, $"Patient/{id}", FhirHttp.Content(body));
        });

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1 && statuses.Count(s => s == HttpStatusCode.OK) == Writers - 1,
            await DescribeAsync(responses));
        var versions = (await Task.WhenAll(responses.Select(FhirHttp.ReadAsync<Patient>))).Select(p => int.Parse(p.Meta.VersionId)).Order();
        Assert.Equal(Enumerable.Range(1, Writers), versions);
        Assert.Equal(Writers, (await clients[1].SearchAsync($"Patient/{id}/_history?_count=100")).Entry.Count);
    }

    [Fact]
    public async Task Concurrent_patches_without_If_Match_at_two_instances_all_apply_and_none_is_lost()
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        var created = await clients[0].CreateAsync(NewPatient("urn:test:race", Guid.NewGuid().ToString("N")));

        var responses = await RaceAsync(clients, i => FhirHttp.Request(HttpMethod.Patch, $"Patient/{created.Id}",
            FhirHttp.Content($$$"""[{"op":"add","path":"/identifier/-","value":{"system":"urn:test:patch","value":"p{{{i}}}"}}]""",
                "application/json-patch+json")));

        Assert.True(responses.All(r => r.StatusCode == HttpStatusCode.OK), await DescribeAsync(responses));
        var current = await FhirHttp.ReadAsync<Patient>(await clients[1].GetAsync($"Patient/{created.Id}"));
        Assert.Equal($"{Writers + 1}", current.Meta.VersionId);
        Assert.Equal(Enumerable.Range(0, Writers).Select(i => $"p{i}").Order(),
            current.Identifier.Where(x => x.System == "urn:test:patch").Select(x => x.Value).Order());
    }

    [Fact]
    public async Task A_delete_racing_updates_at_another_instance_still_deletes()
    {
        using var second = store.StartAnotherInstance();
        HttpClient[] clients = [store.Host.Client, second.Client];
        var created = await clients[0].CreateAsync(NewPatient("urn:test:race", Guid.NewGuid().ToString("N")));

        // Writer 0 deletes at the first instance while the rest update at both; whatever the order, the delete must
        // happen: it is either the last version, or a later update brings the resource back as a new version.
        var responses = await RaceAsync(clients, i =>
        {
            if (i == 0) return new HttpRequestMessage(HttpMethod.Delete, $"Patient/{created.Id}");
            var body = NewPatient("urn:test:race", created.Identifier[0].Value);
            body.Id = created.Id;
            body.Gender = i % 2 == 0 ? AdministrativeGender.Female : AdministrativeGender.Male;
            return FhirHttp.Request(HttpMethod.Put, $"Patient/{created.Id}", FhirHttp.Content(body));
        });

        Assert.True(responses.All(r => r.IsSuccessStatusCode), await DescribeAsync(responses));
        var history = await clients[1].SearchAsync($"Patient/{created.Id}/_history?_count=100");
        Assert.Equal(Writers + 1, history.Entry.Count);
        Assert.Single(history.Entry, e => e.Request.Method == Bundle.HTTPVerb.DELETE);
    }
}

public sealed class SqliteConcurrencyTests(SqliteStore store) : ConcurrencyTests<SqliteStore>(store);

public sealed class PostgresConcurrencyTests(PostgresStore store) : ConcurrencyTests<PostgresStore>(store);
