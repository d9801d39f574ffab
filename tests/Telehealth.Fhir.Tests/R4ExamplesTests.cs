using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Telehealth.Fhir.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telehealth.Fhir.Tests;

/// <summary>
/// Every instance in HL7's official R4 examples package (npm hl7.fhir.r4.examples, installed by ./test.sh) is
/// stored with update-as-create and read back equal to the original, ignoring meta.versionId and meta.lastUpdated.
/// Examples the SDK itself refuses are listed in R4ExamplesNotParsed.txt with the reason; that list must not grow.
/// </summary>
public sealed class R4ExamplesTests(R4ExamplesTests.ExamplesStore store, ITestOutputHelper output) : IClassFixture<R4ExamplesTests.ExamplesStore>
{
    /// <summary>A SQLite store whose body limit admits the largest example (Bundle-resources.json, 35 MB).</summary>
    public sealed class ExamplesStore : TestStore
    {
        private readonly SqliteStore inner = new();

        public override string Name => inner.Name;

        public override IReadOnlyDictionary<string, string?> Settings =>
            new Dictionary<string, string?>(inner.Settings) { ["Fhir:MaxBodyBytes"] = (64 * 1024 * 1024).ToString() };

        public override Task InitializeAsync() => inner.InitializeAsync();

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await inner.DisposeAsync();
        }
    }

    private static readonly JsonSerializerOptions Strict =
        new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).UsingMode(DeserializationMode.Strict);

    [Fact]
    public async Task Every_official_example_is_stored_and_read_back_unchanged()
    {
        var folder = Environment.GetEnvironmentVariable("FHIR_R4_EXAMPLES_DIR")
                     ?? throw new InvalidOperationException("FHIR_R4_EXAMPLES_DIR is not set: run the tests through ./test.sh.");
        var files = Directory.GetFiles(folder, "*.json").Where(f => Path.GetFileName(f) is not ("package.json" or ".index.json")).Order().ToList();
        Assert.True(files.Count > 5000, $"Expected the full R4 example set, found {files.Count} files in {folder}.");

        var notParsed = new List<string>();
        var failures = new List<string>();
        var stored = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (file, ct) =>
        {
            var name = Path.GetFileName(file);
            var text = await File.ReadAllTextAsync(file, ct);
            Resource original;
            try
            {
                original = JsonSerializer.Deserialize<Resource>(text, Strict)!;
            }
            catch (Exception e) when (e is DeserializationFailedException or JsonException)
            {
                lock (notParsed) notParsed.Add($"{name}: {FirstLine(e)}");
                return;
            }
            if (original.Id is null) { lock (failures) failures.Add($"{name}: no id"); return; }

            var put = await store.Host.Client.PutAsync($"{original.TypeName}/{original.Id}", FhirHttp.Content(text), ct);
            if (put.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                var body = await put.Content.ReadAsStringAsync(ct);
                lock (failures) failures.Add($"{name}: PUT {(int)put.StatusCode} {body}");
                return;
            }
            var read = await store.Host.Client.GetAsync($"{original.TypeName}/{original.Id}", ct);
            var back = await read.Content.ReadAsStringAsync(ct);
            if (Normalize(back) != Normalize(JsonSerializer.Serialize(original, original.GetType(), FhirHttp.Json)))
                lock (failures) failures.Add($"{name}: read back differs");
            else Interlocked.Increment(ref stored);
        });

        output.WriteLine($"{stored} examples stored and read back equal; {notParsed.Count} not parsed by the SDK.");
        foreach (var n in notParsed.Order()) output.WriteLine("not parsed: " + n);
        // Whole, since the assertion's message cuts each entry short (a PUT's 500 once showed only '{"resourceType"').
        foreach (var f in failures.Order()) output.WriteLine("failed: " + f);
        // A 500 names only a trace id: the service's own log says what went wrong.
        foreach (var e in store.Host.Errors.Entries) output.WriteLine("service error: " + e);
        Assert.Empty(failures.Order().Take(20));

        var known = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "R4ExamplesNotParsed.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':')[0]).ToHashSet();
        var unexpected = notParsed.Select(n => n.Split(':')[0]).Where(n => !known.Contains(n)).Order().ToList();
        Assert.True(unexpected.Count == 0, "Examples the SDK newly refuses: " + string.Join(", ", unexpected));
        Assert.Equal(files.Count - notParsed.Count, stored);
    }

    /// <summary>Drops meta.versionId and meta.lastUpdated (the server sets them) and compares the rest as JSON.</summary>
    private static string Normalize(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        if (node["meta"] is JsonObject meta)
        {
            meta.Remove("versionId");
            meta.Remove("lastUpdated");
            if (meta.Count == 0) node.Remove("meta");
        }
        return node.ToJsonString();
    }

    private static string FirstLine(Exception e) => e is DeserializationFailedException d
        ? string.Join("; ", d.Exceptions.Take(3).Select(x => x.Message))
        : e.Message.Split('\n')[0];
}
