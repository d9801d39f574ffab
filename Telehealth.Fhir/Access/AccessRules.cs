using Microsoft.Extensions.Options;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Access;

/// <summary>Which role may touch which kind of data, and the look-ups the rules need.</summary>
public sealed class AccessRules(IOptions<AccessOptions> options, TimeProvider clock)
{
    private static readonly string[] Clinicians = [Roles.CommuneDoctor, Roles.Specialist, Roles.Coordinator];

    /// <summary>Resource types a patient writes themselves: booking and answering appointments.</summary>
    private static readonly string[] PatientWrites = ["Appointment", "AppointmentResponse"];

    /// <summary>Whether the caller's role allows the permission on this kind of data at all (the patient comes later).</summary>
    public static bool RoleAllows(Caller caller, string type, char permission)
    {
        var reading = permission is 'r' or 's';
        if (type == "AuditEvent")
            // The audit trail is the server's: services may add to it, platform administrators read it, nobody edits it.
            return caller.IsSystem ? permission is 'c' or 'r' or 's' : reading && caller.Has(Roles.PlatformAdmin);
        if (caller.IsSystem) return true;
        return ResourceClasses.Of(type) switch
        {
            ResourceClass.Clinical => Clinicians.Any(caller.Has) || (caller.Has(Roles.Patient) && (reading || PatientWrites.Contains(type))),
            ResourceClass.Directory => reading || caller.Has(Roles.FacilityAdmin) || caller.Has(Roles.PlatformAdmin),
            _ => reading || caller.Has(Roles.PlatformAdmin),
        };
    }

    /// <summary>Whether the caller's role reads patients' records at all.</summary>
    public static bool SeesClinical(Caller caller) => Clinicians.Any(caller.Has) || caller.Has(Roles.Patient);

    public Func<string, string>? AllowedPatient(SqlParameters p, Caller caller) =>
        PatientAccessSql.AllowedPatient(p, caller, ConsultsClosedSince());

    private DateTimeOffset ConsultsClosedSince() => clock.GetUtcNow().AddDays(-options.Value.ConsultAccessDays);

    /// <summary>
    /// Of these patient ids, those the caller may see (seen from inside the session, so a transaction's own writes
    /// count). Each id is checked as a constant: one index look-up per link, whatever the number of patients in reach.
    /// </summary>
    public async Task<HashSet<string>> AllowedPatientsAsync(RecordSession session, Caller caller, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct())
        {
            var p = new SqlParameters();
            if (AllowedPatient(p, caller) is not { } allowed) return found;
            await using var cmd = session.Command($"SELECT 1 WHERE {allowed(p.Add(id))}", [.. p.Values]);
            if (await cmd.ExecuteScalarAsync(ct) is not (null or DBNull)) found.Add(id);
        }
        return found;
    }

    /// <summary>
    /// Whether a directory entry is the facility administrator's own: their Organization (or one under it), or a
    /// Location, HealthcareService, PractitionerRole or Endpoint of it; a Practitioner when new or holding a role there.
    /// Both the stored version and the new body must be.
    /// </summary>
    public async Task<bool> OwnFacilityAsync(RecordSession session, Caller caller, string type, string id, StoredResource? current,
        ResourceIndex after, CancellationToken ct)
    {
        if (caller.OrganizationId is not { } org) return false;
        if (type == "Practitioner")
            return current is null || current.Deleted || await HoldsRoleAtAsync(session, id, org, ct);
        bool Names(IEnumerable<(string? Param, string? Type, string? Id)> refs) =>
            refs.Any(r => r.Param is "organization" or "partof" && r.Type == "Organization" && r.Id == org);
        var body = (type == "Organization" && id == org) || Names(after.References.Select(r => ((string?)r.Param, r.TargetType, r.TargetId)));
        if (!body || current is null || current.Deleted || (type == "Organization" && id == org)) return body;
        await using var cmd = session.Command(
            "SELECT 1 FROM ix_reference WHERE rkey = @k AND param IN ('organization', 'partof') AND target_type = 'Organization' AND target_id = @o",
            ("@k", current.Key), ("@o", org));
        return await cmd.ExecuteScalarAsync(ct) is not (null or DBNull);
    }

    private static async Task<bool> HoldsRoleAtAsync(RecordSession session, string practitioner, string org, CancellationToken ct)
    {
        await using var cmd = session.Command(
            "SELECT 1 FROM ix_reference a JOIN ix_reference b ON b.rkey = a.rkey JOIN resource r ON r.rkey = a.rkey " +
            "WHERE r.deleted = 0 AND a.type = 'PractitionerRole' AND a.param = 'practitioner' AND a.target_type = 'Practitioner' AND a.target_id = @p " +
            "AND b.param = 'organization' AND b.target_type = 'Organization' AND b.target_id = @o",
            ("@p", practitioner), ("@o", org));
        return await cmd.ExecuteScalarAsync(ct) is not (null or DBNull);
    }
}
