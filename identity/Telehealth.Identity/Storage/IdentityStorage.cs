using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Telehealth.Identity.Storage;

public static class IdentityStorage
{
    public const string SqliteProvider = "Sqlite";
    public const string PostgresProvider = "Postgres";
    public const string DefaultSqliteConnection = "Data Source=data/identity.db";

    /// <summary>
    /// Registers <see cref="IdentityStore"/> on the configured provider (<c>Identity:Storage:Provider</c>,
    /// <c>Identity:Storage:ConnectionString</c>) and the worker that migrates its schema before the service starts.
    /// </summary>
    public static IServiceCollection AddIdentityStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Identity:Storage:Provider"] ?? SqliteProvider;
        var connectionString = configuration["Identity:Storage:ConnectionString"];
        switch (provider)
        {
            case SqliteProvider:
                var sqlite = string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnection : connectionString;
                EnsureSqliteFolder(sqlite);
                services.AddDbContext<IdentityStore, SqliteIdentityStore>(o => o.UseSqlite(sqlite));
                break;
            case PostgresProvider:
                if (string.IsNullOrWhiteSpace(connectionString))
                    throw new InvalidOperationException("Identity:Storage:ConnectionString is required with the Postgres provider.");
                services.AddDbContext<IdentityStore, PostgresIdentityStore>(o => o.UseNpgsql(connectionString));
                break;
            default:
                throw new InvalidOperationException($"Identity:Storage:Provider must be '{SqliteProvider}' or '{PostgresProvider}', not '{provider}'.");
        }

        // Registered before anything that reads the database, so hosted services after it find the schema in place.
        services.AddHostedService<SchemaMigrator>();
        return services;
    }

    // SQLite creates the file but not its folder; a fresh checkout has no data/ folder yet.
    private static void EnsureSqliteFolder(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(file) && file != ":memory:" && !string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    }
}

/// <summary>Applies the EF Core migrations of the configured provider at start-up, before the server takes requests.</summary>
internal sealed class SchemaMigrator(IServiceScopeFactory scopes, ILogger<SchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        // EF Core takes a database lock while migrating, so several instances can start against one PostgreSQL.
        await store.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Identity schema is up to date ({Provider})", store.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
