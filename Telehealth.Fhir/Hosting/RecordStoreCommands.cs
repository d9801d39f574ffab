using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Hosting;

/// <summary>
/// Maintenance commands of the record service, run with the service's own configuration instead of serving:
/// <c>dotnet Telehealth.Fhir.dll reindex [ResourceType ...]</c> migrates the schema and rebuilds the search index of
/// the stored resources (all, or of the types named). It can run while the service runs, and needs the storage
/// settings only (no identity service).
/// </summary>
public static class RecordStoreCommands
{
    public static bool IsCommand(string[] args) => args is ["reindex", ..];

    public static async Task<int> RunAsync(string[] args, CancellationToken ct = default)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddRecordStore(builder.Configuration);
        using var host = builder.Build();
        return await RunAsync(host.Services, args, ct);
    }

    private static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var registry = services.GetRequiredService<SearchParameterRegistry>();
        var types = args[1..].Where(a => !a.Contains('=') && !a.StartsWith('-')).ToList();
        var unknown = types.Where(t => !registry.IsKnownType(t)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"reindex: '{string.Join("', '", unknown)}' is not a FHIR R4 resource type. Usage: reindex [ResourceType ...]");
            return 2;
        }
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
        var reindexer = services.GetRequiredService<Reindexer>();
        long total = 0;
        // No type named: one pass over every type.
        List<string?> targets = types.Count == 0 ? [null] : [.. types];
        foreach (var type in targets)
            total += await reindexer.ReindexAsync(type, Reindexer.DefaultBatchSize, ct);
        Console.WriteLine($"reindex: {total} resources reindexed{(types.Count == 0 ? "" : $" ({string.Join(", ", types)})")}.");
        return 0;
    }
}
