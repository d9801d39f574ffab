using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Access;

/// <summary>
/// Which stations manage a patient (<c>Patient.managingOrganization</c>), remembered for
/// <see cref="AccessOptions.StationRosterSeconds"/>: a commune doctor mostly reads their own station's patients, and
/// looking that up in every read cost more than the read itself (20 buffer hits against 8 at a million resources).
/// What the memory trades: a patient moved to another station
/// stays readable by id for the old station's doctors up to that long on each instance (searches, includes and every
/// write check the database at once). A station not in the roster falls through to the full rule, so a patient moved
/// in is readable at once.
/// </summary>
public sealed class StationRoster(IOptions<AccessOptions> options)
{
    private readonly MemoryCache stations = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    /// <summary>Whether station <paramref name="organization"/> manages the patient with this id.</summary>
    public async Task<bool> ManagesAsync(RecordSession session, string organization, string patient, CancellationToken ct)
    {
        if (!stations.TryGetValue(patient, out string[]? managers) || managers is null)
        {
            managers = await ManagersAsync(session, patient, ct);
            if (options.Value.StationRosterSeconds > 0)
                stations.Set(patient, managers, new MemoryCacheEntryOptions
                {
                    Size = 1,
                    AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(options.Value.StationRosterSeconds),
                });
        }
        return managers.Contains(organization, StringComparer.Ordinal);
    }

    private static async Task<string[]> ManagersAsync(RecordSession session, string patient, CancellationToken ct)
    {
        await using var cmd = session.Command(
            "SELECT o.target_id FROM ix_reference o WHERE o.rkey = (SELECT p.rkey FROM resource p WHERE p.type = 'Patient' AND p.id = @p " +
            "AND p.deleted = 0) AND o.param = 'organization' AND o.target_type = 'Organization' AND o.target_id IS NOT NULL", ("@p", patient));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var found = new List<string>();
        while (await reader.ReadAsync(ct)) found.Add(reader.GetString(0));
        return [.. found];
    }
}
