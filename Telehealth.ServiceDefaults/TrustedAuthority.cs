using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telehealth.ServiceDefaults;

/// <summary>
/// TLS trust in a private certificate authority (a hospital's, a ministry's) that the machine's roots do not know:
/// for the identity service reaching a hospital's login server, and for the services reaching the identity service.
/// </summary>
public static class TrustedAuthority
{
    /// <summary>
    /// Accepts a server certificate only if it chains to <paramref name="authority"/> (the machine's own roots play no
    /// part) and names the host that was asked for. Revocation is not checked: a private authority seldom publishes a
    /// revocation list the platform can reach; replacing the file withdraws the trust.
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

    /// <summary>
    /// The authority named by <c>{prefix}TrustedCertificateFile</c> (PEM or DER) for the server at
    /// <c>{prefix}{serverKey}</c>; null when no file is named. Stops the start, naming the setting, when the server is
    /// not https (the file vouches for TLS only) or the file cannot be read as a certificate.
    /// </summary>
    public static X509Certificate2? LoadFor(string? file, string server, string prefix, string serverKey)
    {
        if (string.IsNullOrWhiteSpace(file)) return null;
        var setting = $"{prefix}TrustedCertificateFile";
        if (!server.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{setting} is for an https {serverKey}; {prefix}{serverKey} is '{server}'.");
        try { return X509CertificateLoader.LoadCertificateFromFile(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{setting} '{file}' could not be read as a certificate (PEM or DER): {e.Message}", e);
        }
    }

    /// <summary>A handler for back-channel requests that trusts the authority alone.</summary>
    public static HttpClientHandler Handler(X509Certificate2 authority) => new() { ServerCertificateCustomValidationCallback = IssuedBy(authority) };
}
