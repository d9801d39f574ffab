using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>
/// Counts the record service's <c>telehealth.fhir.sort_walk.pages</c> measurements while it lives (the test hosts run
/// in this process): which pages the date index walk gave, gave way on, or was not tried for, by database and type.
/// </summary>
public sealed class SortWalkOutcomes : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(string Outcome, string Database, string Type), long> counts = new();

    public SortWalkOutcomes()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is { Meter.Name: "Telehealth.Fhir", Name: "telehealth.fhir.sort_walk.pages" }) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string outcome = "", database = "", type = "";
            foreach (var tag in tags)
                switch (tag.Key)
                {
                    case "outcome": outcome = tag.Value?.ToString() ?? ""; break;
                    case "database": database = tag.Value?.ToString() ?? ""; break;
                    case "type": type = tag.Value?.ToString() ?? ""; break;
                }
            counts.AddOrUpdate((outcome, database, type), value, (_, c) => c + value);
        });
        listener.Start();
    }

    public long Of(string outcome, string database, string type) => counts.GetValueOrDefault((outcome, database, type));

    public void Dispose() => listener.Dispose();
}
