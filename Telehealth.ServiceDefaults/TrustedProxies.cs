using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Telehealth.ServiceDefaults;

/// <summary>
/// Behind a gateway or a TLS-terminating proxy, a service sees the proxy's plain HTTP request. The proxies named in
/// <c>ForwardedHeaders:TrustedProxies</c> (addresses or networks, <c>10.0.0.5</c>, <c>172.28.0.0/16</c>) are
/// believed about the client's scheme, host and address (<c>X-Forwarded-Proto</c>, <c>-Host</c>, <c>-For</c>), so
/// the identity service names its https issuer and accepts the requests <c>Identity:RequireHttps</c> asks for, and
/// the record service writes links and recognises its own references at its public address. Nobody else is believed:
/// with no proxy named, the headers are ignored, so a client cannot claim https or another host.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var named = configuration.GetSection($"{Section}:TrustedProxies").Get<string[]>() ?? [];
        var hosts = configuration.GetSection($"{Section}:AllowedHosts").Get<string[]>() ?? [];
        var networks = named.Where(n => !string.IsNullOrWhiteSpace(n)).Select(Parse).ToList();
        // With no proxy named the middleware is left out: with empty lists it would believe everyone.
        services.AddSingleton(new Named(networks.Count > 0));
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
            // One proxy hop per trusted proxy named in the chain (a TLS terminator in front of the gateway is two).
            options.ForwardLimit = null;
            foreach (var host in hosts) options.AllowedHosts.Add(host);
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after sees the client's scheme, host and address.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) =>
        app.ApplicationServices.GetService<Named>() is { Any: true } ? app.UseForwardedHeaders() : app;

    private sealed record Named(bool Any);

    private static IPNetwork Parse(string text)
    {
        var value = text.Trim();
        if (IPNetwork.TryParse(value, out var network)) return network;
        if (IPAddress.TryParse(value, out var address))
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        throw new InvalidOperationException(
            $"{Section}:TrustedProxies has '{text}', which is neither an IP address nor a network such as 172.28.0.0/16.");
    }
}
