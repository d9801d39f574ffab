using System.Diagnostics.Metrics;

namespace Telehealth.Fhir.Hosting;

/// <summary>
/// The record service's own measurements, one meter for all of them (<c>dotnet-counters monitor --counters
/// Telehealth.Fhir</c>); each feature creates its instruments on it (<c>SortWalkSql.Pages</c>).
/// </summary>
public static class RecordMetrics
{
    public static readonly Meter Meter = new("Telehealth.Fhir");
}
