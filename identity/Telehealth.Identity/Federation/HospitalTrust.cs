using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Telehealth.Identity.Federation;

/// <summary>
/// The TLS check for a hospital login server whose certificate comes from the hospital's own certificate authority
/// (<c>TrustedCertificateFile</c>) rather than one the machine trusts.
/// </summary>
public static class HospitalTrust
{
    /// <summary>
    /// Accepts a server certificate only if it chains to <paramref name="authority"/> (the machine's own roots play no
    /// part) and names the host that was asked for. Revocation is not checked: a hospital's private authority seldom
    /// publishes a revocation list the platform can reach; replacing the file withdraws the trust.
    /// </summary>
    public static Func<HttpRequestMessage, X509Certificate2?, X509Chain?, SslPolicyErrors, bool> IssuedBy(X509Certificate2 authority) =>
        (_, certificate, _, errors) =>
        {
            if (certificate is null) return false;
            // A name mismatch or a missing certificate stays fatal; only the chain is judged again, against the authority.
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        };
}
