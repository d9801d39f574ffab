using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Telehealth.Fhir.Storage;

/// <summary>
/// The record service's own database. Both stores run the same SQL; the few places where they differ
/// (row locks, advisory locks, unique-violation codes, numeric binding) are answered here.
/// </summary>
public sealed class RecordDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? postgres;
    private readonly string? sqliteConnectionString;
    private readonly Func<Access.AccessGuard?> currentGuard;

    /// <param name="currentGuard">
    /// The access rules of the request being served, if any: every session opened for a request carries them, so no
    /// read or write made for a caller can skip them. Background work (migrations, the audit writer) has none.
    /// </param>
    public RecordDatabase(IOptions<StorageOptions> options, Func<Access.AccessGuard?>? currentGuard = null)
    {
        this.currentGuard = currentGuard ?? (() => null);
        Provider = options.Value.Provider;
        if (Provider == StorageProvider.Postgres)
        {
            postgres = NpgsqlDataSource.Create(NpgsqlDefaults.Apply(options.Value.ConnectionString));
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString)
            {
                Pooling = true,
                // Writers queue for the single SQLite write lock instead of failing at once.
                DefaultTimeout = 30,
            };
            if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } dir) Directory.CreateDirectory(dir);
            sqliteConnectionString = builder.ToString();
        }
    }

    public StorageProvider Provider { get; }

    public bool IsPostgres => Provider == StorageProvider.Postgres;

    /// <summary>Appended to a SELECT that reads a row about to be changed.</summary>
    public string ForUpdate => IsPostgres ? " FOR UPDATE" : "";

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (postgres is not null) return await postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(sqliteConnectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>A session for reading: no transaction, so it never waits for writers.</summary>
    public async Task<RecordSession> ReadAsync(CancellationToken ct) => new(this, await OpenAsync(ct), null) { Guard = currentGuard() };

    public async Task<RecordSession> BeginAsync(CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        // SQLite: BEGIN IMMEDIATE (the provider's default) takes the write lock up front, so two writers never
        // deadlock upgrading read locks. PostgreSQL: read committed plus row locks and advisory locks.
        var transaction = await connection.BeginTransactionAsync(ct);
        return new RecordSession(this, connection, transaction) { Guard = currentGuard() };
    }

    /// <summary>Binds a value the way both stores compare it: decimals as doubles (SQLite would store them as text).</summary>
    public static object Bind(object? value) => value switch
    {
        null => DBNull.Value,
        decimal d => (double)d,
        bool b => b ? 1 : 0,
        _ => value,
    };

    public bool IsUniqueViolation(DbException e) => e switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sq => sq.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        _ => false,
    };

    public ValueTask DisposeAsync() => postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
