using System.Net;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Bench;

/// <summary>
/// The four indexed searches the goals name (token, reference, string prefix, date range; <c>_count=20</c>), each over
/// the patients one database holds, sent with one client's token; and a fifth, a token that one observation in six
/// carries (a vital sign's LOINC code): the token the goals name is an identifier, which one patient has, and a code
/// this common is what a plan cached for identifiers read whole (0.7–1 s a page at 1M, until LoneTokenSql).
/// </summary>
public static class BenchSearches
{
    /// <summary>Client c's i-th patient among <paramref name="patients"/>: spread over all of them, the same every run.</summary>
    public static long PatientOf(int client, long i, long patients) => (client * 7_919L + i * 104_729L) % patients;

    /// <summary>The searches over a database of <paramref name="patients"/> generated patients, sent by <paramref name="http"/>.</summary>
    /// <param name="referenced">The type the reference search looks for by its subject (each patient has 6 observations and 3 encounters).</param>
    public static IReadOnlyList<BenchSearch> For(HttpClient http, long patients, int clients, string referenced = "Observation")
    {
        // The names searched for, made before the clock starts: generating a patient's name (a Bogus Faker for the
        // patient's seed) cost the driver more than the search cost the service, on the same two cores (until run K the
        // name row measured mostly that: 556 against 3,158 searches/s with wrk on the same 100k database).
        var names = Enumerable.Range(0, 4_096).Select(k => FullName(PatientOf(k % clients, k, patients))).ToArray();
        long Of(int c, long i) => PatientOf(c, i, patients);
        return
        [
            new("token", "Patient?identifier=cccd|…", (c, i) =>
                $"Patient?identifier=https://telehealth.vn/fhir/sid/cccd|{DataGenerator.CitizenId(Of(c, i))}&_count=20", http),
            new("reference", $"{referenced}?subject=Patient/…", (c, i) =>
                $"{referenced}?subject=Patient/{DataGenerator.PatientId(Of(c, i))}&_count=20", http),
            new("string prefix", "Patient?name=<family given>", (c, i) =>
                $"Patient?name={Uri.EscapeDataString(names[(c * 521 + i) % names.Length])}&_count=20", http),
            new("common code", "Observation?code=loinc|… (one in six)", (c, i) =>
                $"Observation?code=http://loinc.org|{DataGenerator.VitalCode((int)((c * 521 + i) % 6))}&_count=20", http),
            new("date range", "Observation?date=ge…&date=lt… (one day)", (c, i) =>
            {
                var day = DataGenerator.ObservationDate(Of(c, i), 0).Date;
                return $"Observation?date=ge{day:yyyy-MM-dd}&date=lt{day.AddDays(1):yyyy-MM-dd}&_count=20";
            }, http),
        ];
    }

    /// <summary>
    /// Searches by the callers whose access rules filter rows, each over what that caller sees: the demo commune doctor
    /// (every sixth patient) by a common code and by a common family name, and the demo patient through their own
    /// record. The service's searches above see every row; until run AT these took 0.6–2.3 s (the doctor's) and 0.4–1.0 s
    /// (the patient's) at 1M, which no row here showed.
    /// </summary>
    public static IReadOnlyList<BenchSearch> ForCallers(HttpClient doctor, HttpClient patient)
    {
        string[] families = ["nguyen", "tran", "le", "pham"];
        return
        [
            new("doctor's common code", "as a commune doctor: Observation?code=loinc|… (one in six)", (c, i) =>
                $"Observation?code=http://loinc.org|{DataGenerator.VitalCode((int)((c * 521 + i) % 6))}&_count=20", doctor),
            new("doctor's family name", "as a commune doctor: Patient?family=<common family name>", (c, i) =>
                $"Patient?family={families[(c * 521 + i) % families.Length]}&_count=20", doctor),
            new("patient's own", "as a patient: Observation?_count=20 (their own record)", (_, _) => "Observation?_count=20", patient),
        ];
    }

    private static string FullName(long n) => ((Patient)DataGenerator.ForPatient(n).First()).Name[0].Text!;
}

/// <summary>
/// One of the searches, counting the entries its pages held: a page of 20 costs more to find, read, audit and send
/// than a page of 3, so the same search compared at two sizes is only like for like where its pages are alike.
/// </summary>
public sealed class BenchSearch(string kind, string shape, Func<int, long, string> query, HttpClient http)
{
    private long pages;
    private long entries;

    /// <summary>Which search: token, reference, string prefix, common code, date range.</summary>
    public string Kind => kind;

    public string Name => $"search {kind}: {shape}";

    /// <summary>Client c's n-th search; false unless it answered 200 with at least one entry.</summary>
    public async Task<bool> RunAsync(int client, long n)
    {
        using var response = await http.GetAsync(query(client, n));
        var body = await response.Content.ReadAsStringAsync();
        var found = CountOf(body, "\"fullUrl\"");
        Interlocked.Increment(ref pages);
        Interlocked.Add(ref entries, found);
        return response.StatusCode == HttpStatusCode.OK && found > 0;
    }

    /// <summary>The mean entries per page so far (warm-up included).</summary>
    public double EntriesPerPage => Interlocked.Read(ref pages) is var p and > 0 ? (double)Interlocked.Read(ref entries) / p : double.NaN;

    private static int CountOf(string body, string what)
    {
        var count = 0;
        for (var at = body.IndexOf(what, StringComparison.Ordinal); at >= 0; at = body.IndexOf(what, at + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
