using System.Diagnostics;
using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Access.AccessNetwork;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>
/// A commune doctor's reads by id check the patient against their station's roster, which each instance remembers
/// for a while: what that memory may and may not get wrong. Each test runs its own instance on the fixture's database.
/// </summary>
public abstract class StationRosterTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url) => (await client.GetAsync(url)).StatusCode;

    private async Task<RecordServiceHost> InstanceAsync(params (string Key, string Value)[] settings)
    {
        await SeedOnceAsync(store);
        var config = new Dictionary<string, string?>(store.HostSettings);
        foreach (var (key, value) in settings) config[key] = value;
        return new RecordServiceHost(config);
    }

    private async Task<(string Patient, string Observation)> PatientOfAsync(string station)
    {
        var id = "roster-" + Guid.NewGuid().ToString("N")[..8];
        await store.Host.Client.PutAsync(new Patient { Id = id, Name = [new HumanName { Family = "Hà" }], ManagingOrganization = new ResourceReference($"Organization/{station}") });
        var observation = await store.Host.Client.CreateAsync(Observation(null!, id));
        return (id, observation.Id);
    }

    private async Task MoveAsync(string patient, string station)
    {
        var current = await store.Host.Client.ReadOkAsync<Patient>($"Patient/{patient}");
        current.ManagingOrganization = new ResourceReference($"Organization/{station}");
        await store.Host.Client.PutAsync(current);
    }

    [Fact]
    public async Task A_patient_moved_to_another_station_leaves_the_old_stations_reach_within_the_roster_time_and_enters_the_new_at_once()
    {
        // Remembered for one second here (30 by default).
        using var instance = await InstanceAsync(("Fhir:Auth:StationRosterSeconds", "1"));
        var (id, observation) = await PatientOfAsync("tyt-a");
        var doctorA = instance.ClientWith(DoctorA);
        var doctorB = instance.ClientWith(DoctorB);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Patient/{id}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Observation/{observation}"));
        // Station B's roster is loaded before the move, so it does not list the patient.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorB, $"Patient/{id}"));

        await MoveAsync(id, "tyt-b");
        var moved = Stopwatch.StartNew();
        // The new station's doctor reads at once: a patient the roster does not list falls through to the database.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorB, $"Patient/{id}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorB, $"Observation/{observation}"));
        while (await StatusAsync(doctorA, $"Patient/{id}") == HttpStatusCode.OK)
        {
            Assert.True(moved.Elapsed < TimeSpan.FromSeconds(10), "The old station's doctor still reads the moved patient after 10 s.");
            await Task.Delay(100);
        }
        Assert.True(moved.Elapsed < TimeSpan.FromSeconds(5), $"Out of reach only after {moved.Elapsed.TotalSeconds:F1} s.");
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Observation/{observation}"));
    }

    [Fact]
    public async Task A_deleted_patient_leaves_the_roster_at_its_next_load_and_the_records_left_behind_leave_the_stations_reach()
    {
        using var instance = await InstanceAsync(("Fhir:Auth:StationRosterSeconds", "1"));
        var (id, observation) = await PatientOfAsync("tyt-a");
        var (kept, keptObservation) = await PatientOfAsync("tyt-a");
        var doctorA = instance.ClientWith(DoctorA);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Observation/{observation}"));

        await FhirHttp.ExpectAsync(await store.Host.Client.DeleteAsync($"Patient/{id}"), HttpStatusCode.NoContent);
        var deleted = Stopwatch.StartNew();
        while (await StatusAsync(doctorA, $"Observation/{observation}") == HttpStatusCode.OK)
        {
            Assert.True(deleted.Elapsed < TimeSpan.FromSeconds(10), "The station's doctor still reads a deleted patient's record after 10 s.");
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Observation/{observation}"));
        // The station's other patients stay readable.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Patient/{kept}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Observation/{keptObservation}"));
    }

    [Fact]
    public async Task A_patient_registered_after_the_roster_was_loaded_is_readable_at_once_and_no_one_elses_patient_becomes_readable()
    {
        using var instance = await InstanceAsync();
        var doctorA = instance.ClientWith(DoctorA);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, "Patient/a1"));
        var (id, observation) = await PatientOfAsync("tyt-a");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Patient/{id}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Observation/{observation}"));
        var (other, otherObservation) = await PatientOfAsync("tyt-b");
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Patient/{other}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Observation/{otherObservation}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, "Patient/b1"));
    }

    [Fact]
    public async Task A_record_moved_to_another_stations_patient_leaves_the_old_stations_reach_at_once()
    {
        using var instance = await InstanceAsync();
        var (_, observation) = await PatientOfAsync("tyt-a");
        var doctorA = instance.ClientWith(DoctorA);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Observation/{observation}"));
        var moved = await store.Host.Client.ReadOkAsync<Observation>($"Observation/{observation}");
        moved.Subject = new ResourceReference("Patient/b1");
        await store.Host.Client.PutAsync(moved);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Observation/{observation}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(instance.ClientWith(DoctorB), $"Observation/{observation}"));
        // Its earlier version still names the old station's patient, but a version is checked as the record is now.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Observation/{observation}/_history/1"));
    }

    [Fact]
    public async Task A_station_too_large_to_hold_is_asked_each_time_so_a_move_takes_effect_at_once()
    {
        // Station A has more patients than this instance holds for one station.
        using var instance = await InstanceAsync(("Fhir:Auth:StationRosterMaxPatients", "1"));
        var (id, observation) = await PatientOfAsync("tyt-a");
        var doctorA = instance.ClientWith(DoctorA);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, "Patient/a1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctorA, $"Observation/{observation}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, "Patient/b1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, "Observation/obs-b1"));

        await MoveAsync(id, "tyt-b");
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Patient/{id}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctorA, $"Observation/{observation}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(instance.ClientWith(DoctorB), $"Observation/{observation}"));
    }
}

public sealed class SqliteStationRosterTests(SqliteStore store) : StationRosterTests<SqliteStore>(store);

public sealed class PostgresStationRosterTests(PostgresStore store) : StationRosterTests<PostgresStore>(store);
