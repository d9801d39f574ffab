using Npgsql;

namespace Telehealth.Fhir.Storage;

/// <summary>The Npgsql settings the record service runs with (also linked into the bench's bare endpoint, so both compare alike).</summary>
public static class NpgsqlDefaults
{
    /// <summary>
    /// Npgsql settings for the service's pattern of use, unless the connection string sets them itself:
    /// <list type="bullet">
    /// <item>statements run repeatedly are prepared: the service's statements are few shapes with bound values, and
    /// parsing and planning them anew each time cost as much CPU as running them (reads by id: about 1.6 times the
    /// throughput with this on, measured on the bench database);</item>
    /// <item>no session reset when a connection goes back to the pool: the service keeps no session state (its
    /// advisory locks end with their transactions), and the reset was one more statement per request.</item>
    /// <item>no JIT compilation (<c>jit=off</c>, sent as a startup option): every statement the service runs reads
    /// a page or a few rows by index, yet a statement with an access filter has plan costs in the millions (for
    /// branches it never runs), past PostgreSQL's thresholds for compiling it, and compiling took 1.8 s of a
    /// commune doctor's 1.8 s search for a common code at a million resources (the walk itself: 29 ms). With it
    /// off, the same search took 9–14 ms (docs/PERFORMANCE.md, run AT).</item>
    /// <item>no parallel workers for one statement (<c>max_parallel_workers_per_gather=0</c>): the service runs many
    /// short statements at once, and a plan that split one page over workers took a core from each of the others.
    /// With an access filter the planner chose them for a name's matches: a commune doctor's <c>name=nguyen</c> at
    /// 1M took 58 ms with two workers and 25 ms without, <c>family=tran</c> 105 and 11 ms.</item>
    /// </list>
    /// </summary>
    public static string Apply(string connectionString) => Apply(connectionString, Environment.GetEnvironmentVariable("PGOPTIONS"));

    /// <param name="pgOptions">The PGOPTIONS environment variable's value.</param>
    public static string Apply(string connectionString, string? pgOptions)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 256;
            builder.AutoPrepareMinUsages = 2;
        }
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        // Options may carry other settings too; a setting it names itself is left as it is. Npgsql reads PGOPTIONS only
        // when the string sets no Options, so its settings are carried over rather than silently dropped.
        builder.Options ??= pgOptions;
        foreach (var (name, value) in SessionSettings)
            if (builder.Options?.Contains(name + "=", StringComparison.OrdinalIgnoreCase) != true)
                builder.Options = $"{builder.Options} -c {name}={value}".Trim();
        return builder.ConnectionString;
    }

    /// <summary>PostgreSQL settings each connection starts with (see <see cref="Apply"/>).</summary>
    private static readonly (string Name, string Value)[] SessionSettings = [("jit", "off"), ("max_parallel_workers_per_gather", "0")];
}
