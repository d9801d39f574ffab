using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>
/// The record service running in-process on real Kestrel, on a free loopback port, against a real database.
/// Tests talk to it over HTTP through <see cref="Client"/>, whose base address is <c>http://127.0.0.1:port/fhir/</c>.
/// </summary>
public sealed class RecordServiceHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> settings;

    public RecordServiceHost(IReadOnlyDictionary<string, string?> settings)
    {
        this.settings = settings;
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal));
        BaseUrl = address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/') + "/fhir";
        Client = ClientWith(TestTokens.System());
    }

    /// <summary>A client of this service sending the given access token (none when null).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public string BaseUrl { get; }

    public HttpClient Client { get; }

    /// <summary>What the service logged at Error and above since it started.</summary>
    public ServiceErrorLog Errors { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Fhir:Auth:Authority", TestTokens.Issuer);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        // Tokens are checked as in production, against the test issuer's key instead of one fetched from the identity service.
        builder.ConfigureTestServices(services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, TestTokens.TrustTestIssuer));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning).AddProvider(Errors));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Client.Dispose();
        base.Dispose(disposing);
    }
}
