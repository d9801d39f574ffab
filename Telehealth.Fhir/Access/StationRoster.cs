using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Access;

/// <summary>
/// The patients each station manages (<c>Patient.managingOrganization</c>), loaded whole, one query per station, and
/// remembered for <see cref="AccessOptions.StationRosterSeconds"/>: a commune doctor mostly reads their own station's
/// patients, and looking the patient up in every read cost more than the read itself (20 buffer hits against 8 at a
/// million resources). Remembered patient by patient instead, every patient not read in the last half minute was a
/// second query, which at a station of thousands was most reads: the doctor's reads then cost PostgreSQL half as much
/// again as a service's.
/// </summary>
/// <remarks>
/// What the memory trades: a patient moved to another station stays readable by id for the old station's doctors up
/// to that long on each instance (searches, includes and every write check the database at once). A patient the
/// roster does not list falls through to the full rule, so a patient moved in, or registered since, is readable at
/// once. A station with more than <see cref="AccessOptions.StationRosterMaxPatients"/> patients is not held: its
/// reads look the patient up each time. A roster past three quarters of its time is loaded again in the background
/// while reads go on with it, so a station's doctors do not all wait for the load every half minute; past its whole
/// time it is not used.
/// </remarks>
public sealed class StationRoster(IOptions<AccessOptions> options, TimeProvider clock, ILogger<StationRoster> logger)
{
    /// <summary>Patients of all stations one instance holds at most (about 60 MB); the least recently loaded go first.</summary>
    public const int MaxPatientsHeld = 1_000_000;

    private readonly MemoryCache rosters = new(new MemoryCacheOptions { SizeLimit = MaxPatientsHeld });

    /// <summary>One load per station at a time; the station's other readers wait for it.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> loads = new(StringComparer.Ordinal);

    /// <summary>Whether station <paramref name="organization"/> manages the patient with this id.</summary>
    public async Task<bool> ManagesAsync(RecordSession session, string organization, string patient, CancellationToken ct)
    {
        var seconds = options.Value.StationRosterSeconds;
        if (seconds <= 0) return await ManagesNowAsync(session, organization, patient, ct);
        if (!rosters.TryGetValue(organization, out Roster? roster) || roster is null)
        {
            var gate = Gate(organization);
            await gate.WaitAsync(ct);
            try
            {
                if (!rosters.TryGetValue(organization, out roster) || roster is null)
                    roster = await LoadAndHoldAsync(session, organization, ct);
            }
            finally
            {
                gate.Release();
            }
        }
        else if (clock.GetUtcNow() - roster.Loaded > TimeSpan.FromSeconds(seconds * 0.75))
            RefreshInBackground(session.Database, organization);
        return roster.Patients is { } patients ? patients.Contains(patient) : await ManagesNowAsync(session, organization, patient, ct);
    }

    private SemaphoreSlim Gate(string organization) => loads.GetOrAdd(organization, _ => new SemaphoreSlim(1, 1));

    private async Task<Roster> LoadAndHoldAsync(RecordSession session, string organization, CancellationToken ct)
    {
        var loaded = clock.GetUtcNow();
        var roster = await LoadAsync(session, organization, options.Value.StationRosterMaxPatients, loaded, ct);
        // The time counts from before the query: nothing it read is older than that.
        rosters.Set(organization, roster, new MemoryCacheEntryOptions
        {
            Size = Math.Max(1, roster.Patients?.Count ?? 1),
            AbsoluteExpiration = loaded + TimeSpan.FromSeconds(options.Value.StationRosterSeconds),
        });
        return roster;
    }

    /// <summary>Loads the roster again on a connection of its own, unless a load of it is already under way.</summary>
    private void RefreshInBackground(RecordDatabase database, string organization)
    {
        var gate = Gate(organization);
        if (!gate.Wait(0)) return;
        // Not the request's context: the load outlives the request and reads nothing of it.
        using (ExecutionContext.SuppressFlow())
            _ = Task.Run(async () =>
            {
                try
                {
                    await using var session = await database.ReadAsync(CancellationToken.None);
                    await LoadAndHoldAsync(session, organization, CancellationToken.None);
                }
                catch (Exception e)
                {
                    // The held roster runs out as usual and the next read loads it in the open.
                    logger.LogWarning(e, "Could not refresh the roster of station {Organization}", organization);
                }
                finally
                {
                    gate.Release();
                }
            });
    }

    /// <summary>The station's current patients; <see cref="Roster.Patients"/> null when there are more than <paramref name="max"/>.</summary>
    private static async Task<Roster> LoadAsync(RecordSession session, string organization, int max, DateTimeOffset loaded, CancellationToken ct)
    {
        // Each condition as in the partial indexes ix_reference_station and ix_resource_patient_id (migration 0011), so
        // the roster is read from them alone.
        await using var cmd = session.Command(
            "SELECT p.id FROM ix_reference o JOIN resource p ON p.rkey = o.rkey WHERE o.type = 'Patient' AND o.param = 'organization' " +
            "AND o.target_type = 'Organization' AND o.target_id = @o AND p.type = 'Patient' AND p.deleted = 0 LIMIT @n",
            ("@o", organization), ("@n", max + 1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var patients = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) patients.Add(reader.GetString(0));
        return new Roster(patients.Count > max ? null : patients, loaded);
    }

    /// <summary>The database's answer for one patient, for stations too large to hold.</summary>
    private static async Task<bool> ManagesNowAsync(RecordSession session, string organization, string patient, CancellationToken ct)
    {
        await using var cmd = session.Command(
            "SELECT 1 FROM ix_reference o WHERE o.rkey = (SELECT p.rkey FROM resource p WHERE p.type = 'Patient' AND p.id = @p " +
            "AND p.deleted = 0) AND o.param = 'organization' AND o.target_type = 'Organization' AND o.target_id = @o",
            ("@p", patient), ("@o", organization));
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    private sealed record Roster(HashSet<string>? Patients, DateTimeOffset Loaded);
}
