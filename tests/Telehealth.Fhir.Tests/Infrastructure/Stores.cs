using Microsoft.Data.Sqlite;
using Npgsql;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test class, and the settings that point the service at it.</summary>
public abstract class TestStore(IReadOnlyDictionary<string, string?>? extraSettings = null) : IAsyncLifetime
{
    public abstract string Name { get; }

    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Settings a test class adds on top of the store's own (e.g. a small <c>Fhir:MaxBodyBytes</c>).</summary>
    public IReadOnlyDictionary<string, string?> ExtraSettings { get; } = extraSettings ?? new Dictionary<string, string?>();

    /// <summary>What a service on this store is started with: the store's settings, then the extra ones.</summary>
    public IReadOnlyDictionary<string, string?> HostSettings =>
        Settings.Concat(ExtraSettings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    private RecordServiceHost? host;

    /// <summary>The service on this store, started on first use and shared by the class's tests.</summary>
    public RecordServiceHost Host => host ??= new RecordServiceHost(HostSettings);

    /// <summary>A second, independent service instance on the same database (for multi-instance tests).</summary>
    public RecordServiceHost StartAnotherInstance() => new(HostSettings);

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync()
    {
        host?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A SQLite file in a temporary folder.</summary>
public class SqliteStore : TestStore
{
    public SqliteStore() : this(null) { }

    /// <summary>For a test class that needs extra service settings: subclass with a parameterless constructor.</summary>
    protected SqliteStore(IReadOnlyDictionary<string, string?>? extraSettings) : base(extraSettings) { }

    private readonly string folder = Path.Combine(Path.GetTempPath(), "telehealth-tests", Guid.NewGuid().ToString("N"));

    public override string Name => "SQLite";

    public string FilePath => Path.Combine(folder, "fhir.db");

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Fhir:Storage:Provider"] = "Sqlite",
        ["Fhir:Storage:ConnectionString"] = $"Data Source={FilePath}",
    };

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* A file still open by a finalizer: the temp folder is cleaned by the OS. */ }
    }
}

/// <summary>A new database on the throwaway PostgreSQL server that ./test.sh starts.</summary>
public class PostgresStore : TestStore
{
    public PostgresStore() : this(null) { }

    /// <summary>For a test class that needs extra service settings: subclass with a parameterless constructor.</summary>
    protected PostgresStore(IReadOnlyDictionary<string, string?>? extraSettings) : base(extraSettings) { }

    public const string Variable = "TELEHEALTH_TEST_POSTGRES";

    private readonly string database = "fhir_" + Guid.NewGuid().ToString("N");

    public override string Name => "PostgreSQL";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable)
        ?? throw new InvalidOperationException($"{Variable} is not set: run the tests through ./test.sh, which starts a throwaway PostgreSQL.");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, MaxPoolSize = 40 }.ToString();

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Fhir:Storage:Provider"] = "Postgres",
        ["Fhir:Storage:ConnectionString"] = ConnectionString,
    };

    public override async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
