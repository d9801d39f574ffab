using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Access;

/// <summary>
/// The patients a person may see, as SQL over the index tables, so a search filters by it in the database and never
/// counts or pages past what the caller may not read.
/// </summary>
internal static class PatientAccessSql
{
    /// <summary>Consult states in which the addressed hospital works on the patient.</summary>
    private static readonly string[] OpenConsult = ["draft", "active", "on-hold"];

    /// <summary>
    /// A predicate "this column holds the id of a patient the caller may see", or null when the caller's role sees no
    /// patient at all.
    /// </summary>
    public static Func<string, string>? AllowedPatient(SqlParameters p, Caller caller, DateTimeOffset consultsClosedSince)
    {
        if (caller.Has(Roles.Patient))
        {
            if (caller.FhirUserId("Patient") is not { } self) return null;
            var id = p.Add(self);
            return column => $"{column} = {id}";
        }
        var org = caller.OrganizationId;
        var practitioner = caller.FhirUserId("Practitioner");
        var parts = new List<string>();
        if (caller.Has(Roles.CommuneDoctor) && org is not null)
        {
            var o = p.Add(org);
            // Patients the station manages, and those of consults the station asked for.
            parts.Add($"SELECT pa.id AS pid FROM resource pa WHERE pa.type = 'Patient' AND pa.rkey IN " +
                      $"(SELECT rkey FROM ix_reference WHERE type = 'Patient' AND param = 'organization' AND target_type = 'Organization' AND target_id = {o})");
            parts.Add("SELECT sr.target_id AS pid FROM ix_reference sr WHERE sr.type = 'ServiceRequest' AND sr.param = 'subject' " +
                      $"AND sr.target_type = 'Patient' AND sr.rkey IN ({ActingFor(p, "ServiceRequest", "requester", o, practitioner)})");
        }
        if ((caller.Has(Roles.Specialist) || caller.Has(Roles.Coordinator)) && org is not null)
        {
            var o = p.Add(org);
            var open = string.Join(", ", OpenConsult.Select(s => p.Add(s)));
            // Patients of consults addressed to the hospital, while open and for a while after they close...
            parts.Add("SELECT sr.target_id AS pid FROM ix_reference sr JOIN resource s ON s.rkey = sr.rkey " +
                      "WHERE sr.type = 'ServiceRequest' AND sr.param = 'subject' AND sr.target_type = 'Patient' AND s.deleted = 0 " +
                      $"AND sr.rkey IN ({ActingFor(p, "ServiceRequest", "performer", o, practitioner)}) " +
                      $"AND (s.last_updated >= {p.Add(consultsClosedSince.UtcTicks)} OR sr.rkey IN " +
                      $"(SELECT rkey FROM ix_token WHERE type = 'ServiceRequest' AND param = 'status' AND code IN ({open})))");
            // ...and patients whose active Consent shares their record with the hospital or the person.
            parts.Add("SELECT c.target_id AS pid FROM ix_reference c WHERE c.type = 'Consent' AND c.param = 'patient' AND c.target_type = 'Patient' " +
                      $"AND c.rkey IN ({ActingFor(p, "Consent", "actor", o, practitioner)}) " +
                      $"AND c.rkey IN (SELECT rkey FROM ix_token WHERE type = 'Consent' AND param = 'status' AND code = {p.Add("active")})");
        }
        if (parts.Count == 0) return null;
        var allowed = string.Join(" UNION ", parts);
        return column => $"{column} IN ({allowed})";
    }

    /// <summary>
    /// Keys of <paramref name="type"/> resources whose <paramref name="param"/> names the organization, the person, one
    /// of the organization's PractitionerRoles or one of its HealthcareServices.
    /// </summary>
    private static string ActingFor(SqlParameters p, string type, string param, string org, string? practitioner)
    {
        var t = p.Add(type);
        var n = p.Add(param);
        var who = new List<string>
        {
            $"(target_type = 'Organization' AND target_id = {org})",
            $"(target_type = 'PractitionerRole' AND target_id IN ({OfOrganization("PractitionerRole", "organization", org)}))",
            $"(target_type = 'HealthcareService' AND target_id IN ({OfOrganization("HealthcareService", "organization", org)}))",
        };
        if (practitioner is not null) who.Add($"(target_type = 'Practitioner' AND target_id = {p.Add(practitioner)})");
        return $"SELECT rkey FROM ix_reference WHERE type = {t} AND param = {n} AND ({string.Join(" OR ", who)})";
    }

    private static string OfOrganization(string type, string param, string org) =>
        $"SELECT d.id FROM resource d WHERE d.type = '{type}' AND d.deleted = 0 AND d.rkey IN " +
        $"(SELECT rkey FROM ix_reference WHERE type = '{type}' AND param = '{param}' AND target_type = 'Organization' AND target_id = {org})";
}
