extern alias api;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// The scheduling core on real Kestrel (gRPC over HTTP/2, a free loopback port), trusting the identity service at
/// <paramref name="authority"/> exactly as in production (discovery and JWKS over HTTP).
/// </summary>
public sealed class SchedulingCoreHost : WebApplicationFactory<api::Program>
{
    private readonly string authority;

    public SchedulingCoreHost(string authority)
    {
        this.authority = authority;
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1");
        Channel = GrpcChannel.ForAddress(address);
    }

    public GrpcChannel Channel { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Api:Auth:Authority", authority);
        builder.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Channel.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The identity service on SQLite and the scheduling core trusting it, each started once for a test class.</summary>
public sealed class SchedulingCoreStore : SqliteTestStore
{
    private SchedulingCoreHost? core;

    public SchedulingCoreHost Core => core ??= new SchedulingCoreHost(Host.BaseUrl);

    public override async Task DisposeAsync()
    {
        core?.Dispose();
        await base.DisposeAsync();
    }
}
