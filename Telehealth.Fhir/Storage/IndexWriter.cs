using Telehealth.Fhir.Indexing;

namespace Telehealth.Fhir.Storage;

/// <summary>Adds a resource's index rows to a write's batch: one multi-row INSERT per table.</summary>
internal static class IndexWriter
{
    private static readonly string[] Tables = ["ix_string", "ix_token", "ix_date", "ix_reference", "ix_quantity", "ix_number", "ix_uri", "ix_composite"];

    // Keeps each statement under SQLite's default limit of 32,766 bound variables.
    private const int RowsPerStatement = 500;

    public static void AppendDelete(StatementBatch batch, long key)
    {
        var k = batch.Add(key);
        foreach (var table in Tables) batch.Statement().Append($"DELETE FROM {table} WHERE rkey = {k}");
    }

    public static void AppendInsert(StatementBatch batch, long key, string type, ResourceIndex index)
    {
        var (k, t) = (batch.Add(key), batch.Add(type));
        AppendRows(batch, k, t, "ix_string", ["param", "folded", "exact"],
            index.Strings.Distinct(), s => [s.Param, s.Folded, s.Exact]);
        AppendRows(batch, k, t, "ix_token", ["param", "system", "code", "text"],
            index.Tokens.Distinct(), t => [t.Param, t.System, t.Code, t.Text]);
        AppendRows(batch, k, t, "ix_date", ["param", "low", "high", "span_class"],
            index.Dates.Distinct(), d => [d.Param, d.Low, d.High, (short)d.Span]);
        AppendRows(batch, k, t, "ix_reference", ["param", "target_type", "target_id", "url"],
            index.References.Distinct(), r => [r.Param, r.TargetType, r.TargetId, r.Url]);
        AppendRows(batch, k, t, "ix_quantity", ["param", "system", "code", "low", "high"],
            index.Quantities.Distinct(), q => [q.Param, q.System, q.Code, q.Low, q.High]);
        AppendRows(batch, k, t, "ix_number", ["param", "low", "high"],
            index.Numbers.Distinct(), n => [n.Param, n.Low, n.High]);
        AppendRows(batch, k, t, "ix_uri", ["param", "uri"],
            index.Uris.Distinct(), u => [u.Param, u.Uri]);
        AppendRows(batch, k, t, "ix_composite", ["param", "system1", "code1", "system2", "code2", "low2", "high2", "text2"],
            index.Composites.Distinct(), c => [c.Param, c.System1, c.Code1, c.System2, c.Code2, c.Low2, c.High2, c.Text2]);
    }

    private static void AppendRows<T>(StatementBatch batch, string key, string type, string table, string[] columns,
        IEnumerable<T> rows, Func<T, object?[]> values)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var sql = batch.Statement().Append($"INSERT INTO {table} (rkey, type, {string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < chunk.Length; r++)
            {
                if (r > 0) sql.Append(", ");
                sql.Append('(').Append(key).Append(", ").Append(type);
                foreach (var value in values(chunk[r])) sql.Append(", ").Append(batch.Add(value));
                sql.Append(')');
            }
        }
    }
}
