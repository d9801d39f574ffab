using System.Globalization;

namespace Telehealth.Fhir.Bench;

/// <summary>The driver's command line (see the usage at the top of Program.cs).</summary>
internal sealed record Options(string Fhir, string Unchecked, string Identity, string Postgres, long[] Patients, int Clients, int Seconds, int Bundle, string? Out,
    int? ServicePid, int? UncheckedPid, int? PostgresPid, string? SmallFhir, string? SmallPostgres, int? SmallPid, bool CompareOnly,
    string[]? Only, int Repeat)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string? fallback = null)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"{name} is required");
        }
        return new Options(Get("--fhir"), Get("--unchecked"), Get("--identity"), Get("--pg"),
            Get("--patients", "10000,100000").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Get("--clients", "8")), int.Parse(Get("--seconds", "20")), int.Parse(Get("--bundle", "10")),
            args.Contains("--out") ? Get("--out") : null, Pid("--service-pid"), Pid("--unchecked-pid"), Pid("--postgres-pid"),
            Optional("--small-fhir"), Optional("--small-pg"), Pid("--small-pid"), args.Contains("--compare-only"),
            Optional("--only")?.Split(',', StringSplitOptions.TrimEntries), int.Parse(Get("--repeat", "1"), CultureInfo.InvariantCulture));
        string? Optional(string name) => args.Contains(name) ? Get(name) : null;
        int? Pid(string name) => args.Contains(name) ? int.Parse(Get(name), CultureInfo.InvariantCulture) : null;
    }
}
