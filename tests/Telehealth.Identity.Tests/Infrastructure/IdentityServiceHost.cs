using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// The identity service running in-process on real Kestrel, on a free loopback port, against a real database and
/// a real key folder. The issuer is taken from the request (<c>Identity:Issuer</c> = ""), i.e. <see cref="BaseUrl"/>.
/// With <paramref name="tls"/> it speaks HTTPS only, with a server certificate from that authority, which
/// <see cref="Client"/> and <see cref="NewBrowser"/> trust.
/// </summary>
public sealed class IdentityServiceHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly TestAuthority? tls;

    public IdentityServiceHost(IReadOnlyDictionary<string, string?> settings, TestAuthority? tls = null)
    {
        this.settings = settings;
        this.tls = tls;
        if (tls is null) UseKestrel(0);
        else
        {
            var certificate = X509Certificate2.CreateFromPemFile(tls.ServerCertificateFile, tls.ServerKeyFile);
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        }
        // Returns once every hosted service has started: the schema is migrated and the demo data seeded.
        StartServer();
        var scheme = tls is null ? "http://" : "https://";
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith(scheme, StringComparison.Ordinal));
        BaseUrl = address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/');
        Client = new HttpClient(TestAuthority.Handler(tls)) { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>, no trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>The issuer the tokens name: the configured one, else this host's address (OpenIddict adds a trailing slash).</summary>
    public string Issuer => settings.TryGetValue("Identity:Issuer", out var issuer) && !string.IsNullOrEmpty(issuer) ? issuer : BaseUrl + "/";

    /// <summary>A client without cookies, for back-channel calls (token, introspection, discovery).</summary>
    public HttpClient Client { get; }

    /// <summary>A user agent of its own (cookies, no automatic redirects), for driving the sign-in page.</summary>
    public Browser NewBrowser(TestAuthority? trust = null) => new(new Uri(BaseUrl + "/"), trust ?? tls);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Client.Dispose();
        base.Dispose(disposing);
    }
}
