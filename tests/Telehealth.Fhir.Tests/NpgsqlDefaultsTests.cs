using Npgsql;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>
/// The service's connections to PostgreSQL run without JIT compilation and without parallel workers, unless the
/// connection string says otherwise.
/// </summary>
public sealed class NpgsqlDefaultsTests
{
    private static async Task<string?> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new NpgsqlConnection(NpgsqlDefaults.Apply(connectionString));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string?)await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Connections_run_without_jit_or_parallel_workers_and_keep_other_startup_options()
    {
        Assert.Equal("off", await ShowAsync(PostgresStore.ServerConnectionString, "jit"));
        Assert.Equal("0", await ShowAsync(PostgresStore.ServerConnectionString, "max_parallel_workers_per_gather"));
        var withOptions = new NpgsqlConnectionStringBuilder(PostgresStore.ServerConnectionString) { Options = "-c statement_timeout=7s" }.ToString();
        Assert.Equal("off", await ShowAsync(withOptions, "jit"));
        Assert.Equal("7s", await ShowAsync(withOptions, "statement_timeout"));
        Assert.Equal("0", await ShowAsync(withOptions, "max_parallel_workers_per_gather"));
    }

    [Fact]
    public void Settings_from_PGOPTIONS_are_kept_when_the_string_sets_no_options()
    {
        var options = new NpgsqlConnectionStringBuilder(NpgsqlDefaults.Apply("Host=localhost", "-c statement_timeout=9s")).Options;
        Assert.Equal("-c statement_timeout=9s -c jit=off -c max_parallel_workers_per_gather=0", options);
        Assert.Equal("-c statement_timeout=1s -c jit=off -c max_parallel_workers_per_gather=0",
            new NpgsqlConnectionStringBuilder(NpgsqlDefaults.Apply("Host=localhost;Options=-c statement_timeout=1s", "-c statement_timeout=9s")).Options);
    }

    [Fact]
    public async Task A_connection_string_that_sets_jit_itself_is_followed()
    {
        var jitOn = new NpgsqlConnectionStringBuilder(PostgresStore.ServerConnectionString) { Options = "-c jit=on" }.ToString();
        Assert.Equal("on", await ShowAsync(jitOn, "jit"));
        Assert.Equal("0", await ShowAsync(jitOn, "max_parallel_workers_per_gather"));
    }
}
