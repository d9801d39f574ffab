using Npgsql;

namespace Telehealth.Fhir.Bench;

/// <summary>
/// The floor to compare reads against: an endpoint that returns the stored JSON straight from the record service's
/// database with one query, and does nothing else (no routing of FHIR types, no checks, no headers beyond the type).
/// </summary>
public static class BareEndpoint
{
    public static async Task<(WebApplication App, string Url)> StartAsync(string connectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // The record service's own Npgsql settings, so the comparison is of the service, not of the driver.
        var dataSource = NpgsqlDataSource.Create(Telehealth.Fhir.Storage.NpgsqlDefaults.Apply(connectionString));
        var app = builder.Build();
        app.MapGet("/bare/{type}/{id}", async (string type, string id, HttpResponse response) =>
        {
            await using var cmd = dataSource.CreateCommand(
                "SELECT v.json FROM resource r JOIN resource_version v ON v.rkey = r.rkey AND v.version = r.version " +
                "WHERE r.type = $1 AND r.id = $2 AND r.deleted = 0");
            cmd.Parameters.AddWithValue(type);
            cmd.Parameters.AddWithValue(id);
            if (await cmd.ExecuteScalarAsync() is not string json) { response.StatusCode = 404; return; }
            response.ContentType = "application/fhir+json";
            await response.WriteAsync(json);
        });
        await app.StartAsync();
        return (app, app.Urls.First());
    }
}
