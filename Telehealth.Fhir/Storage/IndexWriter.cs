using System.Data.Common;
using System.Text;
using Telehealth.Fhir.Indexing;

namespace Telehealth.Fhir.Storage;

/// <summary>Writes a resource's index rows, one multi-row INSERT per table.</summary>
internal static class IndexWriter
{
    private static readonly string[] Tables = ["ix_string", "ix_token", "ix_date", "ix_reference", "ix_quantity", "ix_number", "ix_uri", "ix_composite"];

    // Keeps each statement under SQLite's default limit of 32,766 bound variables.
    private const int RowsPerStatement = 500;

    public static async Task DeleteAsync(RecordSession tx, long key, CancellationToken ct)
    {
        var sql = string.Concat(Tables.Select(t => $"DELETE FROM {t} WHERE rkey = @k;"));
        await using var cmd = tx.Command(sql, ("@k", key));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task InsertAsync(RecordSession tx, long key, string type, ResourceIndex index, CancellationToken ct)
    {
        await InsertRowsAsync(tx, key, type, "ix_string", ["param", "folded", "exact"],
            index.Strings.Distinct(), s => [s.Param, s.Folded, s.Exact], ct);
        await InsertRowsAsync(tx, key, type, "ix_token", ["param", "system", "code", "text"],
            index.Tokens.Distinct(), t => [t.Param, t.System, t.Code, t.Text], ct);
        await InsertRowsAsync(tx, key, type, "ix_date", ["param", "low", "high", "is_short"],
            index.Dates.Distinct(), d => [d.Param, d.Low, d.High, d.IsShort ? 1 : 0], ct);
        await InsertRowsAsync(tx, key, type, "ix_reference", ["param", "target_type", "target_id", "url"],
            index.References.Distinct(), r => [r.Param, r.TargetType, r.TargetId, r.Url], ct);
        await InsertRowsAsync(tx, key, type, "ix_quantity", ["param", "system", "code", "low", "high"],
            index.Quantities.Distinct(), q => [q.Param, q.System, q.Code, q.Low, q.High], ct);
        await InsertRowsAsync(tx, key, type, "ix_number", ["param", "low", "high"],
            index.Numbers.Distinct(), n => [n.Param, n.Low, n.High], ct);
        await InsertRowsAsync(tx, key, type, "ix_uri", ["param", "uri"],
            index.Uris.Distinct(), u => [u.Param, u.Uri], ct);
        await InsertRowsAsync(tx, key, type, "ix_composite", ["param", "system1", "code1", "system2", "code2", "low2", "high2", "text2"],
            index.Composites.Distinct(), c => [c.Param, c.System1, c.Code1, c.System2, c.Code2, c.Low2, c.High2, c.Text2], ct);
    }

    private static async Task InsertRowsAsync<T>(RecordSession tx, long key, string type, string table, string[] columns,
        IEnumerable<T> rows, Func<T, object?[]> values, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var cmd = tx.Command("");
            RecordSession.AddParameter(cmd, "@k", key);
            RecordSession.AddParameter(cmd, "@t", type);
            var sql = new StringBuilder($"INSERT INTO {table} (rkey, type, {string.Join(", ", columns)}) VALUES ");
            var p = 0;
            for (var r = 0; r < chunk.Length; r++)
            {
                if (r > 0) sql.Append(", ");
                sql.Append("(@k, @t");
                foreach (var value in values(chunk[r]))
                {
                    var name = "@p" + p++;
                    sql.Append(", ").Append(name);
                    RecordSession.AddParameter(cmd, name, value);
                }
                sql.Append(')');
            }
            cmd.CommandText = sql.ToString();
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
