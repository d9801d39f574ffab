using System.Diagnostics;

namespace Telehealth.Fhir.Bench;

/// <summary>
/// Latencies of one measured operation and what they add up to; the CPU seconds this driver used meanwhile (it shares
/// the machine's cores with what it measures) and, for the rows measured with a <see cref="CpuMeter"/>, those of the
/// serving instance and PostgreSQL.
/// </summary>
public sealed record Measurement(string Name, int Count, int Errors, double Seconds, double P50, double P95, double P99,
    double? ServiceCpu = null, double? PostgresCpu = null, double? DriverCpu = null)
{
    public double PerSecond => Count / Seconds;

    /// <summary>The serving instance's CPU per request, in µs.</summary>
    public double? ServiceMicros => ServiceCpu * 1e6 / Count;

    /// <summary>PostgreSQL's CPU per request, in µs.</summary>
    public double? PostgresMicros => PostgresCpu * 1e6 / Count;

    /// <summary>This driver's CPU per request, in µs (sending, receiving, timing; for the bare endpoint also serving).</summary>
    public double? DriverMicros => DriverCpu * 1e6 / Count;
}

/// <summary>Runs operations from N concurrent clients for a fixed time and collects every latency.</summary>
public static class LoadDriver
{
    /// <param name="operation">One request from client c, its n-th; returns false on a failed response.</param>
    /// <param name="meter">With <paramref name="pid"/>: reads the CPU that instance and PostgreSQL used meanwhile.</param>
    public static async Task<Measurement> RunAsync(string name, int clients, TimeSpan duration, Func<int, long, Task<bool>> operation,
        CpuMeter? meter = null, int? pid = null)
    {
        var run = new Run(name, clients);
        await run.ForAsync(duration, operation, meter, pid);
        return run.Result();
    }

    /// <summary>
    /// Runs the operations in turns of <paramref name="turn"/>, each round in another order, until each has run
    /// <paramref name="duration"/>. On a shared, noisy machine a slow spell (another tenant, a checkpoint) then falls on
    /// all of them alike, so their ratios hold within one run, as one long measurement after the other's do not. The
    /// order is shuffled (the same shuffles every run), not rotated: rotated, each operation always followed the same
    /// other one, so one that always came after the other instance's turn paid for switching instances every time.
    /// Each turn lasts until the instance it called is quiet again (<see cref="CpuMeter.UntilQuietAsync"/>), and that
    /// time counts in its throughput and its CPU: reads and searches leave AuditEvents that are stored in batches up to
    /// a quarter of a second later. Without it those of one turn were stored during the next, slowing (and charged to)
    /// whichever operation came after; after a fixed pause, uncounted, they were stored in the pause, and the record
    /// service's reads looked twice as fast as they can be kept up.
    /// </summary>
    /// <param name="operations">Each with the process id of the instance it calls (null: none to meter, e.g. the bare endpoint).</param>
    /// <param name="meter">Reads each turn's CPU time of that instance and of PostgreSQL; null: none read.</param>
    /// <param name="perSecond">Given: each operation offered at this rate in its turns (see <see cref="RunAtRateAsync"/>); otherwise as fast as it goes.</param>
    public static async Task<IReadOnlyList<Measurement>> RunInTurnsAsync(
        IReadOnlyList<(string Name, Func<int, long, Task<bool>> Operation, int? Pid)> operations,
        int clients, TimeSpan duration, TimeSpan turn, CpuMeter? meter = null, double? perSecond = null)
    {
        var runs = operations.Select(o => new Run(o.Name, clients)).ToArray();
        var rounds = (int)Math.Ceiling(duration / turn);
        var shuffle = new Random(20261204);
        for (var round = 0; round < rounds; round++)
        {
            var order = Enumerable.Range(0, operations.Count).ToArray();
            shuffle.Shuffle(order);
            foreach (var i in order)
            {
                var (_, operation, pid) = operations[i];
                await (perSecond is { } rate
                    ? runs[i].AtRateAsync(duration / rounds, rate, operation, meter, pid, untilQuiet: true)
                    : runs[i].ForAsync(duration / rounds, operation, meter, pid, untilQuiet: true));
            }
        }
        return runs.Select(r => r.Result()).ToList();
    }

    /// <summary>
    /// The same clients, each pacing itself so that together they offer <paramref name="perSecond"/> requests a second
    /// (the rate a goal names) instead of as many as they can. A request a slow answer held back counts from when it
    /// was due, not from when it could go, so a stall is not hidden by the requests it kept from being sent.
    /// </summary>
    /// <remarks>
    /// This driver shares the cores with what it measures, and its timers wake late when they are busy (by tens of
    /// milliseconds at the peaks). A client that woke late while its previous request had long been answered restarts
    /// its schedule from then: before, every request it then sent back to back to catch up counted from when it was
    /// due, so the driver's own lateness was charged to the service (a read p99 of 74-111 ms at 2,500/s, where the
    /// timers' lateness alone had a p99 of 71-109 ms).
    /// </remarks>
    public static async Task<Measurement> RunAtRateAsync(string name, int clients, TimeSpan duration, double perSecond,
        Func<int, long, Task<bool>> operation, CpuMeter? meter = null, int? pid = null)
    {
        var run = new Run(name, clients);
        await run.AtRateAsync(duration, perSecond, operation, meter, pid);
        return run.Result();
    }

    private static double DriverCpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>One operation's latencies over one or more stretches of time; each client's requests keep counting on.</summary>
    private sealed class Run(string name, int clients)
    {
        private readonly List<double>[] latencies = Enumerable.Range(0, clients).Select(_ => new List<double>(4096)).ToArray();
        private readonly long[] next = new long[clients];
        private int errors;
        private double seconds;
        private double? serviceCpu;
        private double? postgresCpu;
        private double driverCpu;

        /// <summary>As many requests as each client can make, one after the other, for <paramref name="duration"/>.</summary>
        public Task ForAsync(TimeSpan duration, Func<int, long, Task<bool>> operation, CpuMeter? meter, int? pid,
            bool untilQuiet = false) =>
            StretchAsync(meter, pid, untilQuiet, () =>
            {
                var deadline = DateTime.UtcNow + duration;
                return Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
                {
                    while (DateTime.UtcNow < deadline)
                    {
                        var start = Stopwatch.GetTimestamp();
                        var ok = await TryAsync(operation, client, next[client]++);
                        Record(client, Stopwatch.GetElapsedTime(start), ok);
                    }
                }));
            });

        /// <summary>Each client's requests at its share of <paramref name="perSecond"/> (see <see cref="RunAtRateAsync"/>).</summary>
        public Task AtRateAsync(TimeSpan duration, double perSecond, Func<int, long, Task<bool>> operation, CpuMeter? meter, int? pid,
            bool untilQuiet = false) =>
            StretchAsync(meter, pid, untilQuiet, () =>
            {
                var interval = TimeSpan.FromSeconds(clients / perSecond);
                var clock = Stopwatch.StartNew();
                return Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
                {
                    // Clients start spread over one interval, so their requests interleave evenly.
                    var due = interval * client / clients;
                    var lastEnd = TimeSpan.Zero;
                    while (due < duration)
                    {
                        var wait = due - clock.Elapsed;
                        if (wait > TimeSpan.Zero) await Task.Delay(wait);
                        var sent = clock.Elapsed;
                        var heldBack = lastEnd > due;
                        // Woken late by its own timer (not held back by an answer): the schedule goes on from now.
                        if (!heldBack && sent - due > interval) due = sent;
                        var ok = await TryAsync(operation, client, next[client]++);
                        var end = clock.Elapsed;
                        // Held back by the previous answer: from when it was due. Otherwise from when it went.
                        Record(client, end - (heldBack ? due : sent), ok);
                        lastEnd = end;
                        due += interval;
                    }
                }));
            });

        /// <summary>
        /// One stretch of requests: its time, and the CPU this driver used in it (it shares the cores with what it
        /// measures) and, given a meter, the instance's and PostgreSQL's; <paramref name="untilQuiet"/>: until the
        /// instance has done the work the requests left (see <see cref="CpuMeter.UntilQuietAsync"/>), in their time too.
        /// </summary>
        private async Task StretchAsync(CpuMeter? meter, int? pid, bool untilQuiet, Func<Task> requests)
        {
            var before = meter?.Read(pid);
            var driverBefore = DriverCpu();
            var clock = Stopwatch.StartNew();
            await requests();
            var busy = clock.Elapsed;
            if (untilQuiet && meter is not null && pid is not null) busy += await meter.UntilQuietAsync(pid.Value);
            seconds += busy.TotalSeconds;
            driverCpu += DriverCpu() - driverBefore;
            if (meter?.Read(pid) is not { } after || before is not { } start) return;
            if (after.Service - start.Service is { } service) serviceCpu = (serviceCpu ?? 0) + service;
            if (after.Postgres - start.Postgres is { } postgres) postgresCpu = (postgresCpu ?? 0) + postgres;
        }

        private static async Task<bool> TryAsync(Func<int, long, Task<bool>> operation, int client, long n)
        {
            try { return await operation(client, n); }
            catch (HttpRequestException) { return false; }
        }

        private void Record(int client, TimeSpan latency, bool ok)
        {
            latencies[client].Add(latency.TotalMilliseconds);
            if (!ok) Interlocked.Increment(ref errors);
        }

        public Measurement Result()
        {
            var all = latencies.SelectMany(l => l).Order().ToArray();
            return new Measurement(name, all.Length, errors, seconds, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99),
                serviceCpu, postgresCpu, driverCpu);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
