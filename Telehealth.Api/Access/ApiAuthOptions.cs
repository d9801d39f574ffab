namespace Telehealth.Api.Access;

/// <summary>Bound from <c>Api:Auth</c>: which identity service's tokens the scheduling core accepts.</summary>
public sealed class ApiAuthOptions
{
    /// <summary>The identity service's issuer (e.g. <c>http://127.0.0.1:5081</c>); its discovery document gives the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must name: the scheduling core.</summary>
    public string Audience { get; set; } = "telehealth-api";

    /// <summary>Whether the authority's metadata must come over HTTPS (true in deployments; plain loopback HTTP on one machine).</summary>
    public bool RequireHttpsMetadata { get; set; }

    /// <summary>The private certificate authority (PEM or DER) of the identity service's TLS certificate, if the machine does not trust it.</summary>
    public string? TrustedCertificateFile { get; set; }
}
