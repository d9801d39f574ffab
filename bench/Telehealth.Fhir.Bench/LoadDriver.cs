using System.Diagnostics;

namespace Telehealth.Fhir.Bench;

/// <summary>Latencies of one measured operation and what they add up to.</summary>
public sealed record Measurement(string Name, int Count, int Errors, double Seconds, double P50, double P95, double P99)
{
    public double PerSecond => Count / Seconds;
}

/// <summary>Runs an operation from N concurrent clients for a fixed time and collects every latency.</summary>
public static class LoadDriver
{
    /// <param name="operation">One request; returns false on a failed response.</param>
    public static async Task<Measurement> RunAsync(string name, int clients, TimeSpan duration, Func<int, long, Task<bool>> operation)
    {
        var latencies = new List<double>[clients];
        var errors = 0;
        var total = Stopwatch.StartNew();
        var deadline = DateTime.UtcNow + duration;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var mine = latencies[client] = new List<double>(4096);
            long n = 0;
            while (DateTime.UtcNow < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await operation(client, n++); }
                catch (HttpRequestException) { ok = false; }
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!ok) Interlocked.Increment(ref errors);
            }
        }));
        total.Stop();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Measurement(name, all.Length, errors, total.Elapsed.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
