using Microsoft.Data.Sqlite;
using Npgsql;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>
/// A fresh database and key folder for one test class (demo mode on unless a subclass says otherwise), and the
/// identity service started on them.
/// </summary>
public abstract class TestStore : IAsyncLifetime
{
    protected readonly string Folder = Path.Combine(Path.GetTempPath(), "telehealth-identity-tests", Guid.NewGuid().ToString("N"));

    private IdentityServiceHost? host;

    public abstract string Name { get; }

    protected abstract IReadOnlyDictionary<string, string?> StorageSettings { get; }

    /// <summary>"" takes the issuer from each request (the random port); a fixed one survives a restart on another port.</summary>
    protected virtual string Issuer => "";

    /// <summary>Demo accounts, scopes and clients; a class that checks a bare deployment turns them off.</summary>
    protected virtual bool LoadDemo => true;

    public string KeyFolder => Path.Combine(Folder, "keys");

    /// <summary>Further settings a test class's store gives the service, e.g. <c>Identity:TwoFactor:Required</c>.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(StorageSettings.Concat(ServiceSettings))
    {
        ["Identity:Issuer"] = Issuer,
        ["Identity:KeyFolder"] = KeyFolder,
        ["Demo:Load"] = LoadDemo ? "true" : "false",
    };

    /// <summary>The service on this store, started on first use and shared by the class's tests.</summary>
    public IdentityServiceHost Host => host ??= new IdentityServiceHost(Settings);

    /// <summary>Stops the shared service (if running) and starts it again on the same database and key folder.</summary>
    public IdentityServiceHost Restart()
    {
        host?.Dispose();
        host = new IdentityServiceHost(Settings);
        return host;
    }

    public virtual Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        return Task.CompletedTask;
    }

    public virtual Task DisposeAsync()
    {
        host?.Dispose();
        host = null;
        return Task.CompletedTask;
    }

    protected void DeleteFolder()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a file still open by a finalizer: the OS cleans the temp folder */ }
    }
}

/// <summary>A SQLite file in a temporary folder.</summary>
public class SqliteTestStore : TestStore
{
    public override string Name => "SQLite";

    protected override IReadOnlyDictionary<string, string?> StorageSettings => new Dictionary<string, string?>
    {
        ["Identity:Storage:Provider"] = "Sqlite",
        ["Identity:Storage:ConnectionString"] = $"Data Source={Path.Combine(Folder, "identity.db")}",
    };

    public override async Task DisposeAsync()
    {
        // The host first (it holds the connections), then the pools, then the files.
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        DeleteFolder();
    }
}

/// <summary>SQLite with a fixed issuer, so tokens stay valid when the service comes back on another port.</summary>
public sealed class FixedIssuerSqliteStore : SqliteTestStore
{
    public const string FixedIssuer = "http://identity.test:5081/";

    protected override string Issuer => FixedIssuer;
}

/// <summary>SQLite without demo data: what a fresh deployment looks like.</summary>
public sealed class BareSqliteStore : SqliteTestStore
{
    protected override bool LoadDemo => false;
}

/// <summary>A new database on the throwaway PostgreSQL server that ./test.sh starts (TELEHEALTH_TEST_POSTGRES).</summary>
public class PostgresTestStore : TestStore
{
    public const string Variable = "TELEHEALTH_TEST_POSTGRES";

    private readonly string database = "identity_" + Guid.NewGuid().ToString("N");

    public override string Name => "PostgreSQL";

    private static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable)
        ?? throw new InvalidOperationException($"{Variable} is not set: run the tests through ./test.sh, which starts a throwaway PostgreSQL.");

    protected override IReadOnlyDictionary<string, string?> StorageSettings => new Dictionary<string, string?>
    {
        ["Identity:Storage:Provider"] = "Postgres",
        ["Identity:Storage:ConnectionString"] = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ToString(),
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        DeleteFolder();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
