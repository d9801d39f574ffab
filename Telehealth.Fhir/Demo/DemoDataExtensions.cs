using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Telehealth.Fhir.Demo;

/// <summary>Settings under <c>Demo</c> in configuration.</summary>
public sealed class DemoDataOptions
{
    /// <summary>Load the demo network once the service has started (<c>Demo:Load</c>).</summary>
    public bool Load { get; set; }

    /// <summary>How long to keep polling while the record service warms up (<c>Demo:WarmUpTimeout</c>).</summary>
    public TimeSpan WarmUpTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Root address of this service (without <c>/fhir</c>) when the one Kestrel reports is not
    /// reachable from inside, e.g. behind a Unix socket (<c>Demo:ServerAddress</c>).
    /// </summary>
    public Uri? ServerAddress { get; set; }
}

public static class DemoDataExtensions
{
    /// <summary>Name of the HttpClient the loader uses; it carries the loader's own service token (<see cref="ServiceTokenHandler"/>).</summary>
    public const string HttpClientName = "Telehealth.Fhir.Demo";

    /// <summary>
    /// Loads the demo network (<see cref="DemoNetwork"/>) through this service's own FHIR API after
    /// start-up, once, when <c>Demo:Load</c> is true. Does nothing otherwise.
    /// </summary>
    public static IServiceCollection AddDemoData(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Demo");
        if (!section.GetValue<bool>(nameof(DemoDataOptions.Load)))
            return services;

        services.Configure<DemoDataOptions>(section);
        services.TryAddSingleton(TimeProvider.System);
        // A single transaction writes ~100 resources with their search index rows: allow it time.
        services.Configure<DemoClientOptions>(section.GetSection("Client"));
        services.AddTransient<ServiceTokenHandler>();
        services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(5))
            .AddHttpMessageHandler<ServiceTokenHandler>();
        services.AddHostedService<DemoDataLoader>();
        return services;
    }
}
