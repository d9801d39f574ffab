namespace Telehealth.Fhir.Bench;

/// <summary>
/// "No slower at 1M than at 100k", measured as the reads' ratios are: the largest database's searches and a second
/// database's, holding only the first size's patients (loaded the same way through a third instance, checking tokens
/// too), in alternating 2 s turns, so the machine's slow spells fall on both sizes alike; then reads offered at the
/// goal's 2,500/s to both, in turns too. One stage measured minutes after the other compares two moments of this shared
/// machine as much as two sizes (runs AA and AB: the same searches cost the driver itself up to 23 % more CPU at 1M,
/// where it does the same work at both sizes).
/// </summary>
/// <remarks>
/// One round's ratios still move from one round to the next by up to 14 points (the common code −5 %, +0 % and −14 % in
/// three rounds on one held database, before run AX), so <c>--repeat</c> runs several rounds and sums them up by the
/// median ratio and the range.
/// </remarks>
public sealed class SideBySide(Report report, int clients, TimeSpan duration, TimeSpan warmUp, CpuMeter meter)
{
    /// <summary>One size's instance: its searches, the reads it answers, the process to meter.</summary>
    public sealed record Side(long Patients, IReadOnlyList<BenchSearch> Searches, Func<int, long, Task<bool>> Read, int? Pid)
    {
        public string Size => Patients * DataGenerator.ResourcesPerPatient is var r && r >= 1_000_000 ? $"{r / 1e6:0.#}M" : $"{r / 1e3:0.#}k";
    }

    private readonly List<(string Name, double Ratio)> ratios = [];
    private readonly List<(double Large, double Small)> pacedP99 = [];

    /// <param name="only">The search kinds to run (and "paced" for the paced reads); null: all.</param>
    public async Task RunAsync(Side large, Side small, IReadOnlyCollection<string>? only, int rounds)
    {
        var pairs = large.Searches.Zip(small.Searches).Where(p => only is null || only.Contains(p.First.Kind)).ToList();
        var operations = pairs.SelectMany(p => new[]
        {
            ($"{p.First.Name} at {large.Size}", (Func<int, long, Task<bool>>)p.First.RunAsync, large.Pid),
            ($"{p.Second.Name} at {small.Size}", p.Second.RunAsync, small.Pid),
        }).ToList();
        foreach (var (_, operation, _) in operations) await LoadDriver.RunAsync("warm-up", clients, warmUp, operation);
        for (var round = 1; round <= rounds; round++)
        {
            var heading = rounds > 1 ? $", round {round} of {rounds}" : "";
            if (operations.Count > 0) await SearchesAsync(large, small, pairs, operations, heading);
            if (only?.Contains("paced") != false) await PacedAsync(large, small, heading);
        }
        if (rounds > 1) Summary(rounds);
    }

    private async Task SearchesAsync(Side large, Side small, List<(BenchSearch First, BenchSearch Second)> pairs,
        List<(string, Func<int, long, Task<bool>>, int?)> operations, string heading)
    {
        var bySize = await LoadDriver.RunInTurnsAsync(operations, clients, duration, TimeSpan.FromSeconds(2), meter);
        report.Say("");
        report.Say($"## Searches at {large.Size} and at {small.Size} resources side by side (alternating 2 s turns{heading})");
        report.Say("");
        report.TableHeader();
        foreach (var m in bySize) report.Row(m);
        report.Say("");
        report.Say("| CPU per request, µs | serving process | PostgreSQL | both | this driver | entries per page |");
        report.Say("|---|---:|---:|---:|---:|---:|");
        foreach (var (m, k) in bySize.Select((m, k) => (m, k)))
        {
            var search = k % 2 == 0 ? pairs[k / 2].First : pairs[k / 2].Second;
            report.Say($"| {m.Name} | {m.ServiceMicros:N0} | {m.PostgresMicros:N0} | {m.ServiceMicros + m.PostgresMicros:N0} | {m.DriverMicros:N0} | {search.EntriesPerPage:F1} |");
        }
        report.Say("");
        for (var k = 0; k < bySize.Count; k += 2)
        {
            var (big, little) = (bySize[k], bySize[k + 1]);
            var (kind, ratio) = (pairs[k / 2].First.Kind, big.PerSecond / little.PerSecond - 1);
            ratios.Add((kind, ratio));
            report.Say($"- search {kind}: p50 {little.P50:F1} → {big.P50:F1} ms, p95 {little.P95:F1} → {big.P95:F1} ms, " +
                $"{little.PerSecond:N0} → {big.PerSecond:N0}/s ({ratio:+0%;-0%;0%}), " +
                $"CPU per search {little.ServiceMicros + little.PostgresMicros:N0} → {big.ServiceMicros + big.PostgresMicros:N0} µs, " +
                $"entries per page {pairs[k / 2].Second.EntriesPerPage:F1} → {pairs[k / 2].First.EntriesPerPage:F1}");
        }
    }

    /// <summary>
    /// The reads' p99 at the goal's rate, at both sizes in the same alternating turns: whether the larger database misses
    /// it, or the moment of this shared machine it was measured at (runs AJ to AU met it at 100k and missed it at 1M,
    /// the one stage measured minutes after the other).
    /// </summary>
    private async Task PacedAsync(Side large, Side small, string heading)
    {
        var paced = await LoadDriver.RunInTurnsAsync(
        [
            ($"read by id at 2,500/s offered at {large.Size}", large.Read, large.Pid),
            ($"read by id at 2,500/s offered at {small.Size}", small.Read, small.Pid),
        ], clients, duration, TimeSpan.FromSeconds(2), meter, perSecond: 2_500);
        pacedP99.Add((paced[0].P99, paced[1].P99));
        report.Say("");
        if (heading.Length > 0) report.Say($"Reads at 2,500/s offered{heading}:");
        report.TableHeader();
        foreach (var m in paced) report.Row(m);
        report.Say("");
        report.Say($"- reads at 2,500/s offered: p95 {paced[1].P95:F1} → {paced[0].P95:F1} ms, p99 {paced[1].P99:F1} → {paced[0].P99:F1} ms, " +
            $"CPU per read {paced[1].ServiceMicros + paced[1].PostgresMicros:N0} → {paced[0].ServiceMicros + paced[0].PostgresMicros:N0} µs");
    }

    private void Summary(int rounds)
    {
        report.Say("");
        report.Say($"## Side by side, {rounds} rounds: searches per second at the larger size against the smaller");
        report.Say("");
        report.Say("| search | each round | median | lowest | highest |");
        report.Say("|---|---|---:|---:|---:|");
        foreach (var kind in ratios.Select(r => r.Name).Distinct())
        {
            var each = ratios.Where(r => r.Name == kind).Select(r => r.Ratio).ToList();
            report.Say($"| {kind} | {string.Join(", ", each.Select(r => r.ToString("+0%;-0%;0%")))} | {Median(each):+0%;-0%;0%} | {each.Min():+0%;-0%;0%} | {each.Max():+0%;-0%;0%} |");
        }
        if (pacedP99.Count == 0) return;
        report.Say("");
        report.Say($"Reads at 2,500/s offered, p99 ms at the larger size / the smaller, each round: " +
            string.Join(", ", pacedP99.Select(p => $"{p.Large:F1} / {p.Small:F1}")) +
            $"; median {Median(pacedP99.Select(p => p.Large).ToList()):F1} / {Median(pacedP99.Select(p => p.Small).ToList()):F1}.");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
