using System.Data.Common;

namespace Telehealth.Fhir.Storage;

/// <summary>
/// One connection, and for writes one database transaction: a write and its index rows commit together.
/// Searches made inside a write (conditional create, transaction bundles) see that write's own changes.
/// </summary>
public sealed class RecordSession(RecordDatabase database, DbConnection connection, DbTransaction? transaction) : IAsyncDisposable
{
    public RecordDatabase Database { get; } = database;

    /// <summary>
    /// The caller's access rules, which every write and read made through this session obeys. Every request sets it;
    /// only the server's own work (migrations, the audit writer) runs without.
    /// </summary>
    public Access.AccessGuard? Guard { get; set; }

    /// <summary>
    /// Set by a transaction bundle: the changes it made, audited together as one AuditEvent when it commits, instead of
    /// one per entry.
    /// </summary>
    public List<Access.AuditedChange>? PendingAudit { get; set; }

    /// <summary>Whether the session's statements run in one database transaction (a write's), rather than each by itself.</summary>
    public bool InTransaction => transaction is not null;

    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) AddParameter(command, name, value);
        return command;
    }

    public static void AddParameter(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = RecordDatabase.Bind(value);
        command.Parameters.Add(p);
    }

    /// <summary>
    /// Serializes writers that decide on the same key (migrations) across service instances until this transaction
    /// ends. SQLite already serializes all writers.
    /// </summary>
    public Task LockAsync(string key, CancellationToken ct) => LockAsync([key], ct);

    /// <summary>
    /// Takes several such locks at once, always in the same order whoever asks, so two transactions wanting two of
    /// the same keys queue instead of deadlocking. A key this transaction already holds is not asked for again (a
    /// transaction bundle takes all its entries' keys first, then each entry asks for its own).
    /// </summary>
    public async Task LockAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        if (!Database.IsPostgres) return;
        var hashes = keys.Select(StableHash).Distinct().Where(h => !heldLocks.Contains(h)).Order().ToList();
        if (hashes.Count == 0) return;
        // PostgreSQL evaluates a select list from left to right.
        var calls = string.Join(", ", hashes.Select((_, n) => $"pg_advisory_xact_lock(@k{n})"));
        await using var cmd = Command($"SELECT {calls}", [.. hashes.Select((h, n) => ($"@k{n}", (object?)h))]);
        await cmd.ExecuteNonQueryAsync(ct);
        // Outside a transaction a statement's locks end with it.
        if (InTransaction) heldLocks.UnionWith(hashes);
    }

    private readonly HashSet<long> heldLocks = [];

    public Task CommitAsync(CancellationToken ct) =>
        transaction?.CommitAsync(ct) ?? throw new InvalidOperationException("A read session has nothing to commit.");

    public async ValueTask DisposeAsync()
    {
        if (transaction is not null) await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private static long StableHash(string key)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));
        return BitConverter.ToInt64(bytes, 0);
    }
}
