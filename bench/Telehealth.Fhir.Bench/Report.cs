using System.Text;

namespace Telehealth.Fhir.Bench;

/// <summary>What the driver prints and writes to <c>--out</c>.</summary>
public sealed class Report
{
    private readonly StringBuilder text = new();

    public void Say(string line)
    {
        Console.WriteLine(line);
        text.AppendLine(line);
    }

    public void TableHeader()
    {
        Say("| measurement | requests | errors | per second | p50 ms | p95 ms | p99 ms |");
        Say("|---|---:|---:|---:|---:|---:|---:|");
    }

    public void Row(Measurement m) => Say($"| {m.Name} | {m.Count:N0} | {m.Errors} | {m.PerSecond:N0} | {m.P50:F1} | {m.P95:F1} | {m.P99:F1} |");

    public override string ToString() => text.ToString();
}
