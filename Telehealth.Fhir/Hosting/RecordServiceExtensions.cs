using Telehealth.Fhir.Access;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Interactions;
using Telehealth.Fhir.Patch;
using Telehealth.Fhir.Search;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Hosting;

public static class RecordServiceExtensions
{
    public static IServiceCollection AddRecordService(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddRecordServiceAccess(configuration, environment);
        services.AddRecordStore(configuration);
        services.AddSingleton<HistoryReader>();
        services.AddSingleton<SearchParser>();
        services.AddSingleton<SearchSql>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<ResourceOperations>();
        services.AddSingleton<PatchService>();
        services.AddSingleton<EntryExecutor>();
        services.AddSingleton<BundleProcessor>();
        services.AddSingleton<CapabilityStatementBuilder>();
        services.AddHostedService<SchemaMigrationWorker>();
        return services;
    }

    /// <summary>
    /// The database, its schema and the indexer: what the service serves from, and all that the maintenance commands
    /// (<see cref="RecordStoreCommands"/>) need. Sessions carry the request's access guard when access is set up.
    /// </summary>
    public static IServiceCollection AddRecordStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection("Fhir:Storage"))
            .Validate(o => o.CommonTokenAt > 0, "Fhir:Storage:CommonTokenAt must be a number of matches, 1 or more (default 5000).")
            .Validate(o => o.TokenWalkBudget > 0, "Fhir:Storage:TokenWalkBudget must be a number of index rows, 1 or more (default 50000).")
            .Validate(o => o.SortWalkBudget > 0, "Fhir:Storage:SortWalkBudget must be a number of index rows, 1 or more (default 10000).")
            .ValidateOnStart();
        services.Configure<RecordServiceOptions>(configuration.GetSection("Fhir"));
        services.AddSingleton(TimeProvider.System);

        // Stateless and thread-safe: one of each for the process.
        services.AddHttpContextAccessor();
        services.AddSingleton(sp =>
        {
            var http = sp.GetRequiredService<IHttpContextAccessor>();
            var guards = sp.GetService<Access.AccessGuards>();
            return new RecordDatabase(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>(),
                guards is null ? null : () => http.HttpContext is { } context ? guards.For(context) : null);
        });
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<Reindexer>();
        services.AddSingleton<SearchParameterRegistry>();
        services.AddSingleton<LocalBases>();
        services.AddSingleton<ResourceIndexer>();
        return services;
    }
}

/// <summary>
/// Brings the schema up to date before the server takes requests. Taking the parameter registry here builds it at
/// start-up (about half a second) rather than in the first request that needs it.
/// </summary>
internal sealed class SchemaMigrationWorker(SchemaMigrator migrator, SearchParameterRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        registry.IsKnownType("Patient") ? migrator.MigrateAsync(cancellationToken) : throw new InvalidOperationException("The R4 model has no Patient.");

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
