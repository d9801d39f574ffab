using Grpc.Net.Client;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Api.Tests.Infrastructure;

/// <summary>
/// The scheduling core on real Kestrel, gRPC over HTTP/2 on a free loopback port, checking tokens as in production
/// against the test issuer's key (<see cref="TestTokens"/>) instead of keys fetched from the identity service.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<Program>
{
    public ApiHost()
    {
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
        builder.UseSetting("Api:Auth:Authority", TestTokens.Issuer);
        builder.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.ConfigureTestServices(services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, TestTokens.TrustTestIssuer));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Channel.Dispose();
        base.Dispose(disposing);
    }
}
