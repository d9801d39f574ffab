using System.Globalization;

namespace Telehealth.Fhir.Bench;

/// <summary>
/// CPU time used by the processes that serve one measurement, read from <c>/proc</c> before and after each turn: the
/// record-service instance the row calls and PostgreSQL (the postmaster, its backends, and what backends that ended
/// had used). On this shared machine the throughput of two rows moves with every other tenant; the CPU each request
/// cost moves much less, so the cost of a check shows there first.
/// </summary>
public sealed class CpuMeter(int? postmaster)
{
    /// <summary>Linux's clock tick for the times in <c>/proc/[pid]/stat</c> (USER_HZ, 100 on every common build).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>A reading of one service's CPU and PostgreSQL's, in seconds; null parts where the process is not known.</summary>
    public (double? Service, double? Postgres) Read(int? service) =>
        (service is { } pid ? Seconds(pid, children: false) : null, postmaster is { } pg ? PostgresSeconds(pg) : null);

    /// <summary>How often <see cref="UntilQuietAsync"/> looks, and how many looks in a row must find the instance idle.</summary>
    private static readonly TimeSpan Look = TimeSpan.FromMilliseconds(100);
    private const int QuietLooks = 3;

    /// <summary>
    /// Waits until the instance has used at most one clock tick in each of <see cref="QuietLooks"/> looks in a row
    /// (300 ms: longer than the audit writer waits to gather a batch), at most 5 s; returns how long it was busy
    /// before that, the time its requests' leftover work took (storing their AuditEvents).
    /// </summary>
    public async Task<TimeSpan> UntilQuietAsync(int service)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = Seconds(service, children: false) ?? 0;
        var quiet = 0;
        var busyUntil = TimeSpan.Zero;
        while (quiet < QuietLooks && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(Look);
            var now = Seconds(service, children: false) ?? last;
            if (now - last <= 1 / TicksPerSecond) quiet++;
            else (quiet, busyUntil) = (0, clock.Elapsed);
            last = now;
        }
        return busyUntil;
    }

    private static double PostgresSeconds(int postmaster)
    {
        var total = Seconds(postmaster, children: true) ?? 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == postmaster) continue;
            var fields = Fields(pid);
            if (fields is not null && fields[1] == postmaster.ToString(CultureInfo.InvariantCulture))
                total += (Tick(fields[11]) + Tick(fields[12])) / TicksPerSecond;
        }
        return total;
    }

    /// <summary>utime + stime (and, for a parent, the waited-for children's cutime + cstime), in seconds.</summary>
    private static double? Seconds(int pid, bool children)
    {
        var f = Fields(pid);
        if (f is null) return null;
        var ticks = Tick(f[11]) + Tick(f[12]) + (children ? Tick(f[13]) + Tick(f[14]) : 0);
        return ticks / TicksPerSecond;
    }

    /// <summary>The fields after the command name (which may hold spaces): [0] is the state, [1] the parent's pid, [11] utime.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static long Tick(string field) => long.Parse(field, CultureInfo.InvariantCulture);
}
