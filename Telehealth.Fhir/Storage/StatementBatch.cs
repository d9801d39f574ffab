using System.Data.Common;
using System.Text;

namespace Telehealth.Fhir.Storage;

/// <summary>
/// Several statements sent as one command, so a write's version row and all its index rows cost one round trip
/// to the database instead of one per table. Both stores run a command's statements in order.
/// </summary>
internal sealed class StatementBatch(RecordSession session) : IAsyncDisposable
{
    private readonly DbCommand command = session.Command("");
    private readonly StringBuilder sql = new();
    private int parameters;

    /// <summary>Binds a value and returns its name for use in a statement.</summary>
    public string Add(object? value)
    {
        var name = "@b" + parameters++;
        RecordSession.AddParameter(command, name, value);
        return name;
    }

    public StringBuilder Statement() => sql.Length == 0 ? sql : sql.Append(";\n");

    public async Task ExecuteAsync(CancellationToken ct)
    {
        if (sql.Length == 0) return;
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => command.DisposeAsync();
}
