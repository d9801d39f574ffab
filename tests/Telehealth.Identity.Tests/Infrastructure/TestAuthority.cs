using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// A hospital's own certificate authority, made for one test run, and a server certificate it issued for the loopback
/// address, written as PEM files for Node (<see cref="ServerCertificateFile"/>, <see cref="ServerKeyFile"/>) and for the
/// identity service's <c>TrustedCertificateFile</c> (<see cref="AuthorityFile"/>).
/// </summary>
public sealed class TestAuthority : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("telehealth-ca-").FullName;

    public TestAuthority(string name)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN={name} Root CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Authority = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name} login", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(Authority, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(12));

        File.WriteAllText(AuthorityFile, Authority.ExportCertificatePem());
        File.WriteAllText(ServerCertificateFile, server.ExportCertificatePem());
        File.WriteAllText(ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Authority { get; }

    public string AuthorityFile => Path.Combine(folder, "authority.pem");

    public string ServerCertificateFile => Path.Combine(folder, "server.pem");

    public string ServerKeyFile => Path.Combine(folder, "server-key.pem");

    /// <summary>A handler that trusts this authority alone, as a person's browser at the hospital would.</summary>
    public HttpClientHandler Trusting(HttpClientHandler handler)
    {
        handler.ServerCertificateCustomValidationCallback = Telehealth.ServiceDefaults.TrustedAuthority.IssuedBy(Authority);
        return handler;
    }

    /// <summary><paramref name="handler"/> (a new one if null) trusting <paramref name="trust"/> alone, or the machine's roots when it is null.</summary>
    public static HttpClientHandler Handler(TestAuthority? trust, HttpClientHandler? handler = null)
    {
        handler ??= new HttpClientHandler();
        return trust?.Trusting(handler) ?? handler;
    }

    public void Dispose()
    {
        Authority.Dispose();
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* the OS cleans its temporary folder */ }
    }
}
