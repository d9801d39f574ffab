extern alias fhir;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// The record service on real Kestrel and a SQLite file, trusting the identity service at <paramref name="authority"/>
/// exactly as in production (discovery and JWKS over HTTP), with the demo network loaded through its API by the
/// demo-system client.
/// </summary>
public sealed class RecordServiceHost : WebApplicationFactory<fhir::Program>
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "telehealth-tests", Guid.NewGuid().ToString("N"));
    private readonly string authority;
    private readonly IReadOnlyDictionary<string, string?> settings;

    /// <param name="settings">Set after the defaults above, so they can override them (e.g. <c>Demo:Load</c>).</param>
    public RecordServiceHost(string authority, IReadOnlyDictionary<string, string?>? settings = null)
    {
        this.authority = authority;
        this.settings = settings ?? new Dictionary<string, string?>();
        Directory.CreateDirectory(folder);
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal));
        BaseUrl = address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/') + "/fhir";
    }

    public string BaseUrl { get; }

    /// <summary>Waits (up to 60 s) until the demo loader has stored the demo network, its consult last.</summary>
    public async Task WaitForDemoNetworkAsync(string serviceToken)
    {
        var system = ClientWith(serviceToken);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (System.Text.Json.JsonDocument.Parse(await system.GetStringAsync("ServiceRequest?_summary=count")).RootElement.GetProperty("total").GetInt32() == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The demo network was not loaded within 60 s.");
            await Task.Delay(250);
        }
    }

    public HttpClient ClientWith(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Fhir:Storage:Provider", "Sqlite");
        builder.UseSetting("Fhir:Storage:ConnectionString", $"Data Source={Path.Combine(folder, "fhir.db")}");
        builder.UseSetting("Fhir:Auth:Authority", authority);
        builder.UseSetting("Demo:Load", "true");
        builder.UseSetting("Demo:Client:ClientId", "demo-system");
        builder.UseSetting("Demo:Client:ClientSecret", "demo-system-secret");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* cleaned with the temp folder */ }
    }
}
