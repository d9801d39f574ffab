using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Storage;

/// <summary>The storage side of <c>Patient/{id}/$everything</c>: finding the patient, and telling their data from others'.</summary>
public static class PatientCompartment
{
    /// <summary>The current, not deleted, Patient with this id.</summary>
    public static async Task<StoredResource?> FindPatientAsync(RecordSession session, string id, CancellationToken ct)
    {
        await using var cmd = session.Command("SELECT rkey FROM resource WHERE type = 'Patient' AND id = @id AND deleted = 0", ("@id", id));
        var key = await cmd.ExecuteScalarAsync(ct);
        if (key is null or DBNull) return null;
        return (await ResourceReader.LoadByKeysAsync(session, [Convert.ToInt64(key)], ct)).FirstOrDefault();
    }

    /// <summary>The ids of the patients a stored resource refers to (by its current index rows).</summary>
    public static async Task<List<string>> PatientsOfAsync(RecordSession session, long key, CancellationToken ct) =>
        (await PatientsOfAsync(session, [key], ct)).GetValueOrDefault(key, []);

    /// <summary>For each of these stored resources that refers to patients, their ids (by the current index rows).</summary>
    /// <remarks>
    /// Most resources name one patient, which their row holds (<c>resource.patient</c>, kept with the index rows):
    /// one key look-up each. Only the others (several patients, a Patient's links, none) are looked up in the
    /// reference rows, where each resource has several rows to read (an observation's subject, encounter, performer…).
    /// </remarks>
    public static async Task<Dictionary<long, List<string>>> PatientsOfAsync(RecordSession session, IReadOnlyCollection<long> keys, CancellationToken ct)
    {
        var found = new Dictionary<long, List<string>>();
        var unnamed = new List<long>();
        await ForKeysAsync(session, keys.Distinct(), (_, list) => $"SELECT rkey, patient FROM resource WHERE rkey IN ({list})", reader =>
        {
            if (reader.IsDBNull(1)) unnamed.Add(reader.GetInt64(0));
            else found[reader.GetInt64(0)] = [reader.GetString(1)];
        }, ct);
        await ForKeysAsync(session, unnamed,
            (_, list) => $"SELECT DISTINCT rkey, target_id FROM ix_reference WHERE rkey IN ({list}) AND target_type = 'Patient' AND target_id IS NOT NULL",
            reader =>
            {
                var key = reader.GetInt64(0);
                if (!found.TryGetValue(key, out var ids)) found[key] = ids = [];
                ids.Add(reader.GetString(1));
            }, ct);
        return found;
    }

    /// <summary>
    /// Of <paramref name="keys"/>, those that are another patient or refer to another patient: what a patient's
    /// record points at (a shared appointment's other participant, an encounter filed under someone else) may be
    /// someone else's record, and must not leave with this patient's.
    /// </summary>
    public static async Task<HashSet<long>> OtherPatientsAsync(RecordSession session, string patientId, IReadOnlyCollection<long> keys, CancellationToken ct)
    {
        var found = new HashSet<long>();
        await ForKeysAsync(session, keys, (p, list) =>
        {
            var id = p.Add(patientId);
            return $"SELECT rkey FROM resource WHERE rkey IN ({list}) AND type = 'Patient' AND id <> {id} " +
                   $"UNION SELECT rkey FROM ix_reference WHERE rkey IN ({list}) AND target_type = 'Patient' AND target_id <> {id}";
        }, reader => found.Add(reader.GetInt64(0)), ct);
        return found;
    }

    /// <summary>
    /// Runs the statement <paramref name="sql"/> makes of a list of key parameters (and any more parameters it adds),
    /// 500 keys at a time, and hands each row to <paramref name="row"/>.
    /// </summary>
    private static async Task ForKeysAsync(RecordSession session, IEnumerable<long> keys, Func<SqlParameters, string, string> sql,
        Action<System.Data.Common.DbDataReader> row, CancellationToken ct)
    {
        foreach (var chunk in keys.Chunk(500))
        {
            var p = new SqlParameters();
            var list = string.Join(", ", chunk.Select(k => p.Add(k)));
            var text = sql(p, list);
            await using var cmd = session.Command(text, [.. p.Values]);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) row(reader);
        }
    }
}
