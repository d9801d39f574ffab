namespace Telehealth.Fhir.Hosting;

/// <summary>Bound from the <c>Fhir</c> configuration section.</summary>
public sealed class RecordServiceOptions
{
    /// <summary>Largest request body accepted; larger ones get 413 before they are read.</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;
}
