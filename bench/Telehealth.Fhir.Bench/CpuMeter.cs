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
