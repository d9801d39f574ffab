using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Telehealth.Fhir.Bench;

// Usage: Telehealth.Fhir.Bench --fhir http://127.0.0.1:5082/fhir --unchecked http://127.0.0.1:5085/fhir
//        --identity http://127.0.0.1:5081 --pg "Host=...;Database=..." [--patients 10000,100000]
//        [--clients 8] [--seconds 20] [--bundle 10] [--out results.md]
//        [--service-pid N --unchecked-pid N --postgres-pid N]   (every row then reports CPU per request)
//        [--small-fhir URL --small-pg "Host=...;Database=..." --small-pid N]   (an instance on a second, empty database)
//        [--compare-only]   (both databases already loaded: only the searches at both sizes side by side)
//        [--only "common code,date range,paced"]   (with --compare-only: only these searches side by side, and the paced reads only if named)
//        [--repeat N]   (the side-by-side stage N times, then the median and range of its ratios)
// Loads generated patients in transaction bundles up to each size in --patients (10 resources per patient), then
// measures single creates, reads by id (also as a commune doctor under the access rules, from a second instance on
// the same database with token checks off, and from a bare endpoint on the same database) and indexed searches,
// each from --clients concurrent clients for --seconds; and once, token issuance by client credentials. Given a second
// database (--small-*), finally loads the first size into it and runs the searches on both sizes in alternating turns.
var options = Options.Parse(args);
var json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
{
    BaseAddress = new Uri(options.Fhir.TrimEnd('/') + "/"),
    Timeout = TimeSpan.FromMinutes(5),
};
using var identity = new HttpClient { BaseAddress = new Uri(options.Identity.TrimEnd('/') + "/") };
http.DefaultRequestHeaders.Authorization = new("Bearer", await BenchTokens.ServiceTokenAsync(identity));
// The demo commune doctor, whose station (Organization/tram-phu-tuc, set by the bench script) holds every sixth patient.
using var doctorHttp = new HttpClient { BaseAddress = http.BaseAddress };
doctorHttp.DefaultRequestHeaders.Authorization = new("Bearer",
    await BenchTokens.UserTokenAsync(identity.BaseAddress!, "bs.xa", "Telehealth@2026", "openid fhirUser user/*.rs"));
// The demo patient, whose record is a bench patient's (set by the bench script): their searches go through the access rules too.
using var patientHttp = new HttpClient { BaseAddress = http.BaseAddress };
patientHttp.DefaultRequestHeaders.Authorization = new("Bearer",
    await BenchTokens.UserTokenAsync(identity.BaseAddress!, "benhnhan", "Telehealth@2026", "openid fhirUser patient/*.rs"));
// HOLD=1 runs keep the services up for a closer look; the tokens let curl or wrk act as the same callers.
if (Environment.GetEnvironmentVariable("BENCH_TOKENS") is { Length: > 0 } tokensFile)
    await File.WriteAllLinesAsync(tokensFile, [http.DefaultRequestHeaders.Authorization!.Parameter!, doctorHttp.DefaultRequestHeaders.Authorization!.Parameter!,
        patientHttp.DefaultRequestHeaders.Authorization!.Parameter!]);
using var uncheckedHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(options.Unchecked.TrimEnd('/') + "/") };
var (bare, bareUrl) = await BareEndpoint.StartAsync(options.Postgres);
using var bareHttp = new HttpClient { BaseAddress = new Uri(bareUrl.TrimEnd('/') + "/bare/") };
var report = new Report();
void Say(string line) => report.Say(line);
void TableHeader() => report.TableHeader();
void Row(Measurement m) => report.Row(m);

Say($"# Record service benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {options.Clients} clients, {options.Seconds} s per measurement, {Environment.ProcessorCount} cores");
if (!options.CompareOnly)
{
    var issuance = await LoadDriver.RunAsync("token issuance: client credentials (identity service, SQLite)", options.Clients,
        TimeSpan.FromSeconds(options.Seconds), async (_, _) => (await BenchTokens.ServiceTokenAsync(identity, "system/*.rs")).Length > 0);
    Say("");
    TableHeader();
    Row(issuance);
}
long loaded = 0;
var duration = TimeSpan.FromSeconds(options.Seconds);
var warmUp = TimeSpan.FromSeconds(Math.Min(5, options.Seconds));
foreach (var target in options.Patients)
{
    // --compare-only: both databases hold their data already (a HOLD run's); only the sizes side by side again.
    if (options.CompareOnly) { loaded = target; continue; }
    var load = await LoadAsync(http, loaded, target);
    loaded = target;
    await SettleAsync(options.Postgres);
    var resources = loaded * DataGenerator.ResourcesPerPatient;
    Say("");
    Say($"## {resources:N0} resources ({loaded:N0} patients × {DataGenerator.ResourcesPerPatient})");
    Say("");
    TableHeader();
    Say($"| transaction bundles of {options.Bundle * DataGenerator.ResourcesPerPatient} resources (load phase) | {load.Count:N0} | {load.Errors} | {load.PerSecond * options.Bundle * DataGenerator.ResourcesPerPatient:N0} resources/s | {load.P50:F1} | {load.P95:F1} | {load.P99:F1} |");
    var searches = BenchSearches.For(http, loaded, options.Clients).Concat(BenchSearches.ForCallers(doctorHttp, patientHttp)).ToList();
    // The loads warmed the checked instance; warm the others alike (JIT, connection pools) before measuring.
    await LoadDriver.RunAsync("warm-up", options.Clients, warmUp, (c, i) => ReadAsync(uncheckedHttp, Pick(c, i)));
    await LoadDriver.RunAsync("warm-up", options.Clients, warmUp, (c, i) => ReadAsync(doctorHttp, PickOwn(c, i)));
    await LoadDriver.RunAsync("warm-up", options.Clients, warmUp, (c, i) => ReadAsync(bareHttp, Pick(c, i)));
    // The reads whose ratios matter run in turns of 2 s (see RunInTurnsAsync); the doctor's reads are compared with the
    // instance without checks reading the same ids (the doctor's station's sixth of the data, which caches better).
    var meter = new CpuMeter(options.PostgresPid);
    var reads = await LoadDriver.RunInTurnsAsync(
    [
        ("read by id (record service)", (c, i) => ReadAsync(http, Pick(c, i)), options.ServicePid),
        ("read by id (bare endpoint, same database)", (c, i) => ReadAsync(bareHttp, Pick(c, i)), Environment.ProcessId),
        ("read by id (second instance, token checks off)", (c, i) => ReadAsync(uncheckedHttp, Pick(c, i)), options.UncheckedPid),
        ("read by id as a commune doctor (access rules, own station)", (c, i) => ReadAsync(doctorHttp, PickOwn(c, i)), options.ServicePid),
        ("read by id, the doctor's ids (second instance, token checks off)", (c, i) => ReadAsync(uncheckedHttp, PickOwn(c, i)), options.UncheckedPid),
        ("read by id, the doctor's ids (record service, service token)", (c, i) => ReadAsync(http, PickOwn(c, i)), options.ServicePid),
    ], options.Clients, duration, TimeSpan.FromSeconds(2), meter);
    // Each row below first runs its operation unmeasured for the warm-up's length: the creates and searches had not
    // run before, and their first seconds measured both processes compiling them.
    async Task<Measurement> Measure(string name, Func<int, long, Task<bool>> operation)
    {
        await LoadDriver.RunAsync("warm-up", options.Clients, warmUp, operation);
        return await LoadDriver.RunAsync(name, options.Clients, duration, operation, meter, options.ServicePid);
    }
    var results = new List<Measurement>(reads)
    {
        // The goal's rate (2,500 reads/s) offered by the same 8 clients: the latency a client sees at that load, where
        // the rows above are the latency at the most the machine can do.
        await LoadDriver.RunAtRateAsync("read by id at 2,500/s offered (record service)", options.Clients, duration, 2_500,
            (c, i) => ReadAsync(http, Pick(c, i)), meter, options.ServicePid),
    };
    foreach (var search in searches) results.Add(await Measure(search.Name, search.RunAsync));
    results.Add(await Measure("single create: POST Observation", (c, i) => CreateAsync(PatientOf(c, i))));
    // The goal's rate (500 creates/s) offered: the latency a client sees at that load.
    results.Add(await LoadDriver.RunAtRateAsync("single create at 500/s offered", options.Clients, duration, 500,
        (c, i) => CreateAsync(PatientOf(c, i)), meter, options.ServicePid));
    foreach (var m in results) Row(m);
    Say("");
    // The bare endpoint's serving process is this driver's own (it serves the bare endpoint and sends every row's requests).
    Say("| CPU per request, µs | serving process | PostgreSQL | both | this driver |");
    Say("|---|---:|---:|---:|---:|");
    foreach (var m in results)
        Say($"| {m.Name} | {m.ServiceMicros:N0} | {m.PostgresMicros:N0} | {m.ServiceMicros + m.PostgresMicros:N0} | {m.DriverMicros:N0} |");
    Say("");
    Say($"Entries per page of the searches: {string.Join(", ", searches.Select(q => $"{q.Kind} {q.EntriesPerPage:F1}"))}.");
    Say("");
    if (reads.Any(m => m.ServiceCpu is not null))
    {
        double? Both(Measurement m) => m.ServiceMicros + m.PostgresMicros;
        Say($"CPU per read (instance and PostgreSQL) against checks off on the same ids: a service token {Both(reads[0]) / Both(reads[2]) - 1:+0%;-0%} " +
            $"(all ids), {Both(reads[5]) / Both(reads[4]) - 1:+0%;-0%} (the doctor's ids); a commune doctor {Both(reads[3]) / Both(reads[4]) - 1:+0%;-0%}.");
        Say("");
    }
    Say($"Reads by id: record service at {results[0].PerSecond / results[1].PerSecond:P0} of the bare endpoint's throughput (same run, same ids).");
    Say($"Cost of checking tokens and access rules (reads in turns; both instances write the read AuditEvents): reads by id with a service token " +
        $"{1 - results[0].PerSecond / results[2].PerSecond:P0} fewer per second than the instance with checks off; as a commune doctor under " +
        $"the patient access rules {1 - results[3].PerSecond / results[4].PerSecond:P0} fewer than it reading the same ids " +
        $"({1 - results[3].PerSecond / results[5].PerSecond:P0} fewer than a service token reading them, the access rules' own part).");
}
// Both sizes side by side, given a second database (--small-*) holding the first size's patients.
if (options.SmallFhir is { } smallFhir && options.SmallPostgres is { } smallDatabase && options.Patients.Length > 1)
{
    using var smallHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
        { BaseAddress = new Uri(smallFhir.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
    smallHttp.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
    var small = options.Patients[0];
    if (!options.CompareOnly)
    {
        var smallLoad = await LoadAsync(smallHttp, 0, small);
        await SettleAsync(smallDatabase);
        Say("");
        Say($"The second database loaded at {smallLoad.PerSecond * options.Bundle * DataGenerator.ResourcesPerPatient:N0} resources/s.");
    }
    // The reference search by encounters here: the stages' creates added observations to the patients the searches
    // then read (the same client and request numbers pick the same patients), so the larger database's observation pages
    // held more entries than the other's (7.5 against 6.0 in runs AD and AE); no stage creates encounters.
    await new SideBySide(report, options.Clients, duration, warmUp, new CpuMeter(options.PostgresPid)).RunAsync(
        new(loaded, BenchSearches.For(http, loaded, options.Clients, "Encounter"), (c, i) => ReadAsync(http, Pick(c, i)), options.ServicePid),
        new(small, BenchSearches.For(smallHttp, small, options.Clients, "Encounter"),
            (c, i) => ReadAsync(smallHttp, Target(BenchSearches.PatientOf(c, i, small), i)), options.SmallPid),
        options.Only, options.Repeat);
}
await bare.StopAsync();
if (options.Out is not null) await File.AppendAllTextAsync(options.Out, report.ToString());
return;

long PatientOf(int client, long i) => BenchSearches.PatientOf(client, i, loaded);

(string Type, string Id) Pick(int client, long i) => Target(PatientOf(client, i), i);

// Patients of the doctor's station (n % 6 == 0), and their observations.
(string Type, string Id) PickOwn(int client, long i) => Target(PatientOf(client, i) / 6 * 6, i);

// Every other request reads the patient, the others one of their observations.
static (string Type, string Id) Target(long n, long i) =>
    i % 2 == 0 ? ("Patient", DataGenerator.PatientId(n)) : ("Observation", DataGenerator.ObservationId(n, (int)(i % 6)));

async Task<bool> ReadAsync(HttpClient client, (string Type, string Id) target)
{
    using var response = await client.GetAsync($"{target.Type}/{target.Id}");
    await response.Content.ReadAsByteArrayAsync();
    return response.StatusCode == HttpStatusCode.OK;
}

async Task<bool> CreateAsync(long patient)
{
    var observation = new Observation
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4", "Nhịp tim / Heart rate"),
        Subject = new ResourceReference($"Patient/{DataGenerator.PatientId(patient)}"),
        Effective = new FhirDateTime(DateTimeOffset.UtcNow),
        Value = new Quantity(72, "/min", "http://unitsofmeasure.org"),
    };
    using var content = new StringContent(JsonSerializer.Serialize(observation, json), Encoding.UTF8, "application/fhir+json");
    using var response = await http.PostAsync("Observation", content);
    return response.StatusCode == HttpStatusCode.Created;
}

// After a bulk load, as a deployment's autovacuum would soon do: fresh statistics for the planner, and the visibility map
// that lets covering indexes answer without reading the table.
async Task SettleAsync(string database)
{
    await using var pg = new Npgsql.NpgsqlConnection(database);
    await pg.OpenAsync();
    await using var analyze = new Npgsql.NpgsqlCommand("VACUUM ANALYZE", pg) { CommandTimeout = 600 };
    await analyze.ExecuteNonQueryAsync();
    // And the load's pages written out now rather than by the timed checkpoint during the measurements: a steady
    // service's checkpoints write what minutes of its own work dirtied, not a bulk load of hundreds of thousands.
    await using var checkpoint = new Npgsql.NpgsqlCommand("CHECKPOINT", pg) { CommandTimeout = 600 };
    await checkpoint.ExecuteNonQueryAsync();
}

async Task<Measurement> LoadAsync(HttpClient client, long from, long to)
{
    Console.Error.WriteLine($"loading patients {from:N0} to {to:N0} ...");
    var next = from;
    var latencies = new List<double>();
    var errors = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async _ =>
    {
        while (true)
        {
            var first = Interlocked.Add(ref next, options.Bundle) - options.Bundle;
            if (first >= to) return;
            var count = (int)Math.Min(options.Bundle, to - first);
            var body = JsonSerializer.Serialize(DataGenerator.Bundle(first, count), json);
            var start = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync("", new StringContent(body, Encoding.UTF8, "application/fhir+json"));
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref errors);
                Console.Error.WriteLine($"bundle at {first}: {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync())[..Math.Min(300, (int)response.Content.Headers.ContentLength.GetValueOrDefault(300))]}");
            }
            lock (latencies)
            {
                latencies.Add(elapsed);
                if (latencies.Count % 500 == 0)
                    Console.Error.WriteLine($"  {first + count:N0} patients, {(first + count - from) * DataGenerator.ResourcesPerPatient / clock.Elapsed.TotalSeconds:N0} resources/s");
            }
        }
    }));
    var sorted = latencies.Order().ToArray();
    double P(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    return new Measurement("load", sorted.Length, errors, clock.Elapsed.TotalSeconds, P(0.5), P(0.95), P(0.99));
}
