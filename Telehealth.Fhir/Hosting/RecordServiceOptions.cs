namespace Telehealth.Fhir.Hosting;

/// <summary>Bound from the <c>Fhir</c> configuration section.</summary>
public sealed class RecordServiceOptions
{
    /// <summary>Largest request body accepted; larger ones get 413 before they are read.</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// The public addresses of this service's FHIR base (e.g. <c>https://fhir.example.vn/fhir</c>), besides the one a
    /// request arrives at: absolute references under them are local (see <see cref="Indexing.LocalBases"/>).
    /// </summary>
    public List<string> BaseUrls { get; set; } = [];
}
