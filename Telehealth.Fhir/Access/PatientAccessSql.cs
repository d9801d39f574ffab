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
    /// patient at all. The predicate is correlated on the column (EXISTS per patient id, each an index look-up), so
    /// checking one resource, or a page of them, costs the same with 100 patients in reach as with 100,000.
    /// </summary>
    /// <remarks>
    /// "The station manages the patient" reads the patient's own index rows, found through the patient's key: joined
    /// the other way round, the planner guesses (from the columns' separate statistics) that a station manages one
    /// patient and walks all of its thousands per check.
    /// </remarks>
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
        var parts = new List<Func<string, string>>();
        if (caller.Has(Roles.CommuneDoctor) && org is not null)
        {
            var o = p.Add(org);
            var requester = ActingFor(p, "requester", o, practitioner);
            // Patients the station manages...
            parts.Add(Managed(o));
            // ...and those of consults the station asked for.
            parts.Add(column => "EXISTS (SELECT 1 FROM ix_reference ap_sr WHERE ap_sr.type = 'ServiceRequest' AND ap_sr.param = 'subject' " +
                                $"AND ap_sr.target_type = 'Patient' AND ap_sr.target_id = {column} AND {requester("ap_sr.rkey")})");
        }
        if ((caller.Has(Roles.Specialist) || caller.Has(Roles.Coordinator)) && org is not null)
        {
            var o = p.Add(org);
            var performer = ActingFor(p, "performer", o, practitioner);
            var actor = ActingFor(p, "actor", o, practitioner);
            var open = string.Join(", ", OpenConsult.Select(s => p.Add(s)));
            var since = p.Add(consultsClosedSince.UtcTicks);
            var active = p.Add("active");
            // Patients of consults addressed to the hospital, while open and for a while after they close...
            parts.Add(column => "EXISTS (SELECT 1 FROM ix_reference ap_sr JOIN resource ap_s ON ap_s.rkey = ap_sr.rkey " +
                                "WHERE ap_sr.type = 'ServiceRequest' AND ap_sr.param = 'subject' AND ap_sr.target_type = 'Patient' " +
                                $"AND ap_sr.target_id = {column} AND ap_s.deleted = 0 AND {performer("ap_sr.rkey")} " +
                                $"AND (ap_s.last_updated >= {since} OR EXISTS (SELECT 1 FROM ix_token ap_st WHERE ap_st.rkey = ap_sr.rkey " +
                                $"AND ap_st.param = 'status' AND ap_st.code IN ({open}))))");
            // ...and patients whose active Consent shares their record with the hospital or the person.
            parts.Add(column => "EXISTS (SELECT 1 FROM ix_reference ap_c WHERE ap_c.type = 'Consent' AND ap_c.param = 'patient' " +
                                $"AND ap_c.target_type = 'Patient' AND ap_c.target_id = {column} AND {actor("ap_c.rkey")} " +
                                $"AND EXISTS (SELECT 1 FROM ix_token ap_ct WHERE ap_ct.rkey = ap_c.rkey AND ap_ct.param = 'status' AND ap_ct.code = {active}))");
        }
        if (parts.Count == 0) return null;
        return column => "(" + string.Join(" OR ", parts.Select(part => part(column))) + ")";
    }

    /// <summary>
    /// The id of the one patient the row (alias, with rkey and id columns) is or names; NULL when it names none or
    /// several. A commune doctor's read by id checks that patient against <see cref="StationRoster"/>. A current
    /// resource row (<paramref name="current"/>) keeps it in its patient column; a version row's is found in the index.
    /// </summary>
    public static string SolePatient(string alias, string type, bool current) => type == "Patient" ? $"{alias}.id"
        : current ? $"{alias}.patient"
        : $"(SELECT CASE WHEN MIN(sp.target_id) = MAX(sp.target_id) THEN MIN(sp.target_id) END FROM ix_reference sp " +
          $"WHERE sp.rkey = {alias}.rkey AND sp.target_type = 'Patient')";

    // A count, not EXISTS: PostgreSQL turns a nested EXISTS into a join, and a prepared statement's plan then walks
    // the station's thousands of patients from the organization's side (it cannot know which station it will be).
    // The station is compared in the count's FILTER, not in WHERE, for the same reason: as a condition of the scan, a
    // generic plan (a prepared statement after a few runs) ANDs the patient's rows with a bitmap of every row naming
    // the station, 66,000 index entries per check at a million resources.
    private static Func<string, string> Managed(string org) => column =>
        $"(SELECT COUNT(*) FILTER (WHERE ap_po.target_id = {org}) FROM ix_reference ap_po WHERE ap_po.rkey = (SELECT ap_pa.rkey FROM resource ap_pa " +
        $"WHERE ap_pa.type = 'Patient' AND ap_pa.id = {column} AND ap_pa.deleted = 0) AND ap_po.param = 'organization' " +
        "AND ap_po.target_type = 'Organization') > 0";

    /// <summary>
    /// "The resource at this key names, in <paramref name="param"/>, the organization, the person, one of the
    /// organization's PractitionerRoles or one of its HealthcareServices" (correlated on the key).
    /// </summary>
    private static Func<string, string> ActingFor(SqlParameters p, string param, string org, string? practitioner)
    {
        var n = p.Add(param);
        var who = new List<string>
        {
            $"(ap_w.target_type = 'Organization' AND ap_w.target_id = {org})",
            $"(ap_w.target_type = 'PractitionerRole' AND {OfOrganization("PractitionerRole", "ap_w.target_id", org)})",
            $"(ap_w.target_type = 'HealthcareService' AND {OfOrganization("HealthcareService", "ap_w.target_id", org)})",
        };
        if (practitioner is not null) who.Add($"(ap_w.target_type = 'Practitioner' AND ap_w.target_id = {p.Add(practitioner)})");
        var any = string.Join(" OR ", who);
        return key => $"EXISTS (SELECT 1 FROM ix_reference ap_w WHERE ap_w.rkey = {key} AND ap_w.param = {n} AND ({any}))";
    }

    /// <summary>"The <paramref name="type"/> with this id belongs to the organization."</summary>
    private static string OfOrganization(string type, string idColumn, string org) =>
        $"EXISTS (SELECT 1 FROM resource ap_d JOIN ix_reference ap_dr ON ap_dr.rkey = ap_d.rkey WHERE ap_d.type = '{type}' AND ap_d.id = {idColumn} " +
        $"AND ap_d.deleted = 0 AND ap_dr.type = '{type}' AND ap_dr.param = 'organization' AND ap_dr.target_type = 'Organization' AND ap_dr.target_id = {org})";
}
