namespace Telehealth.Fhir.Access;

/// <summary>Bound from <c>Fhir:Auth</c>: which identity service's tokens the record service accepts, and access rules' settings.</summary>
public sealed class AccessOptions
{
    /// <summary>The identity service's issuer (e.g. <c>http://127.0.0.1:5081</c>); its discovery document gives the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must name: the record service.</summary>
    public string Audience { get; set; } = "telehealth-fhir";

    /// <summary>Whether the authority's metadata must come over HTTPS (true in deployments; plain loopback HTTP on one machine).</summary>
    public bool RequireHttpsMetadata { get; set; }

    /// <summary>The private certificate authority (PEM or DER) of the identity service's TLS certificate, if the machine does not trust it.</summary>
    public string? TrustedCertificateFile { get; set; }

    /// <summary>How long after a consult closes its specialists and coordinators can still read the patient's record.</summary>
    public int ConsultAccessDays { get; set; } = 30;

    /// <summary>
    /// How long a station's patients are remembered for its commune doctors' reads by id (<see cref="StationRoster"/>);
    /// 0 looks the patient up in every read.
    /// </summary>
    public int StationRosterSeconds { get; set; } = 30;

    /// <summary>
    /// The most patients a station may have for its roster to be held (<see cref="StationRoster"/>); a larger
    /// organization's reads look the patient up each time. An instance holds at most
    /// <see cref="StationRoster.MaxPatientsHeld"/> patients of all stations together.
    /// </summary>
    public int StationRosterMaxPatients { get; set; } = 50_000;

    /// <summary>
    /// Turns every check off. Honoured only in the "Benchmark" environment, to measure what the checks cost; the
    /// service refuses to start with it anywhere else.
    /// </summary>
    public bool Disabled { get; set; }
}
