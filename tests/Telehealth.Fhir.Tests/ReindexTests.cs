using System.Diagnostics;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>
/// <c>dotnet Telehealth.Fhir.dll reindex</c>, run as its own process beside the running service, rebuilds index rows
/// an earlier release wrote differently, without touching the stored versions.
/// </summary>
public abstract class ReindexTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Client => store.Host.Client;

    private static Observation About(string reference) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8867-4", "Nhịp tim"),
        Subject = new ResourceReference(reference),
    };

    /// <summary>Runs the record service's command line on the test service's database.</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Telehealth.Fhir.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The storage settings alone: the command checks no tokens, so it needs no identity service.
        foreach (var (key, value) in store.HostSettings.Where(s => s.Key.StartsWith("Fhir:Storage:", StringComparison.Ordinal)))
            start.Environment[key.Replace(":", "__")] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Reindex_rebuilds_what_an_earlier_release_indexed_differently_and_keeps_every_version()
    {
        var family = "Khổng" + Guid.NewGuid().ToString("N")[..6];
        var patient = await Client.CreateAsync(new Patient { Name = [new HumanName { Family = family, Given = ["Minh"] }] });
        var elsewhere = $"https://his.benhvien-k.example.vn/fhir/Patient/{patient.Id}";
        var ofElsewhere = await Client.CreateAsync(About(elsewhere));
        var ofPatient = await Client.CreateAsync(About($"Patient/{patient.Id}"));
        var rowsOf = (string id) => StoreSql.RowsAsync(store,
            "SELECT x.param, x.target_type, x.target_id, x.url FROM ix_reference x JOIN resource r ON r.rkey = x.rkey " +
            $"WHERE r.type = 'Observation' AND r.id = '{id}' ORDER BY x.param, x.target_type, x.target_id, x.url");
        var (elsewhereRows, patientRows) = (await rowsOf(ofElsewhere.Id), await rowsOf(ofPatient.Id));

        // What releases before this one stored: the other server's reference as the local patient with that id,
        // and (as if a parameter had not been indexed then) no name rows for the patient.
        await StoreSql.ExecuteAsync(store,
            $"UPDATE ix_reference SET target_type = 'Patient', target_id = '{patient.Id}', url = NULL WHERE url = '{elsewhere}'",
            $"DELETE FROM ix_string WHERE rkey = (SELECT rkey FROM resource WHERE type = 'Patient' AND id = '{patient.Id}')");
        Assert.Equal(new[] { ofElsewhere.Id, ofPatient.Id }.Order(), (await Client.IdsAsync($"Observation?subject=Patient/{patient.Id}")).Order());
        Assert.Empty(await Client.IdsAsync($"Patient?family={family}"));

        var (exit, output) = await RunAsync("reindex");

        Assert.True(exit == 0, output);
        Assert.Matches(@"reindex: \d+ resources reindexed", output);
        Assert.Equal([ofPatient.Id], await Client.IdsAsync($"Observation?subject=Patient/{patient.Id}"));
        Assert.Equal([ofElsewhere.Id], await Client.IdsAsync($"Observation?subject={Uri.EscapeDataString(elsewhere)}"));
        Assert.Equal([patient.Id], await Client.IdsAsync($"Patient?family={family}"));
        Assert.Equal(elsewhereRows, await rowsOf(ofElsewhere.Id));
        Assert.Equal(patientRows, await rowsOf(ofPatient.Id));
        // Reindexing is not a change of the record: no new versions.
        foreach (var url in new[] { $"Patient/{patient.Id}", $"Observation/{ofElsewhere.Id}", $"Observation/{ofPatient.Id}" })
            Assert.Single((await Client.SearchAsync($"{url}/_history")).Entry);
    }

    [Fact]
    public async Task Reindex_of_one_type_leaves_the_others_and_an_unknown_type_is_refused()
    {
        var family = "Tôn" + Guid.NewGuid().ToString("N")[..6];
        var patient = await Client.CreateAsync(new Patient { Name = [new HumanName { Family = family }] });
        var observation = await Client.CreateAsync(About($"Patient/{patient.Id}"));
        await StoreSql.ExecuteAsync(store,
            $"DELETE FROM ix_string WHERE rkey = (SELECT rkey FROM resource WHERE type = 'Patient' AND id = '{patient.Id}')",
            $"DELETE FROM ix_reference WHERE rkey = (SELECT rkey FROM resource WHERE type = 'Observation' AND id = '{observation.Id}')");

        var (refusedExit, refusedOutput) = await RunAsync("reindex", "BenhNhan");
        Assert.Equal(2, refusedExit);
        Assert.Contains("'BenhNhan' is not a FHIR R4 resource type", refusedOutput);

        var (exit, output) = await RunAsync("reindex", "Patient");
        Assert.True(exit == 0, output);
        Assert.Contains("(Patient)", output);
        Assert.Equal([patient.Id], await Client.IdsAsync($"Patient?family={family}"));
        Assert.Empty(await Client.IdsAsync($"Observation?subject=Patient/{patient.Id}"));
    }
}

public sealed class SqliteReindexTests(SqliteStore store) : ReindexTests<SqliteStore>(store);

public sealed class PostgresReindexTests(PostgresStore store) : ReindexTests<PostgresStore>(store);
