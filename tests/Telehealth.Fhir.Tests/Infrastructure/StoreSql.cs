using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Telehealth.Fhir.Tests.Infrastructure;

/// <summary>Statements run straight on a store's database, past the service: to set up a state or check one.</summary>
public static class StoreSql
{
    public static async Task<DbConnection> OpenAsync(TestStore target)
    {
        DbConnection connection = target switch
        {
            SqliteStore sqlite => new SqliteConnection($"Data Source={sqlite.FilePath}"),
            PostgresStore postgres => new NpgsqlConnection(postgres.ConnectionString),
            _ => throw new NotSupportedException(target.Name),
        };
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs the statements in order; returns the first column of the last one's first row.</summary>
    public static async Task<object?> ExecuteAsync(TestStore target, params string[] statements)
    {
        await using var connection = await OpenAsync(target);
        object? result = null;
        foreach (var statement in statements)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = statement;
            // Setting up a large state (millions of rows) can outlast the default 30 s on a busy 2-core machine.
            cmd.CommandTimeout = 600;
            result = await cmd.ExecuteScalarAsync();
        }
        return result;
    }

    /// <summary>Every row a query returns, each as its columns joined by " | ", in the query's order.</summary>
    public static async Task<List<string>> RowsAsync(TestStore target, string query)
    {
        await using var connection = await OpenAsync(target);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = query;
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i)))));
        return rows;
    }
}
