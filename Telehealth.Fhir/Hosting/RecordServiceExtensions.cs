using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Interactions;
using Telehealth.Fhir.Patch;
using Telehealth.Fhir.Search;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Hosting;

public static class RecordServiceExtensions
{
    public static IServiceCollection AddRecordService(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorageOptions>(configuration.GetSection("Fhir:Storage"));
        services.Configure<RecordServiceOptions>(configuration.GetSection("Fhir"));
        services.AddSingleton(TimeProvider.System);

        // Stateless and thread-safe: one of each for the process.
        services.AddSingleton<RecordDatabase>();
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<SearchParameterRegistry>();
        services.AddSingleton<ResourceIndexer>();
        services.AddSingleton<ResourceReader>();
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
}

/// <summary>Brings the schema up to date before the server takes requests.</summary>
internal sealed class SchemaMigrationWorker(SchemaMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
