using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Access;

/// <summary>
/// What one caller may do, checked in three steps: the token's SMART scopes allow the interaction on the type; the
/// caller's role allows that kind of data at all; and, for a patient's record, the patient is one the caller may see
/// (<see cref="PatientAccessSql"/>). Searches and histories get the last step as SQL, so they never reveal, not even
/// by a total, what the caller may not read.
/// </summary>
public sealed class AccessGuard(Caller caller, AccessRules rules, AuditTrail audit, ResourceIndexer indexer, StationRoster roster, bool postgres)
{
    public Caller Caller => caller;

    /// <summary>Throws 403 unless the token's scopes and the caller's role allow <paramref name="permission"/> (c, r, u, d, s) on the type.</summary>
    public void Require(string type, char permission)
    {
        if (!ScopesAllow(type, permission))
            throw Forbidden($"The token's scopes do not allow {Verb(permission)} {type}: ask for a scope such as " +
                            $"{(caller.IsSystem ? "system" : caller.Has(Roles.Patient) ? "patient" : "user")}/{type}.{permission}.");
        if (!AccessRules.RoleAllows(caller, type, permission))
            throw Forbidden($"{Who()} may not {Verb(permission)} {type} resources.");
    }

    /// <summary>Whether scopes and role let the caller read this type at all (no patient check).</summary>
    public bool MayRead(string type) => ScopesAllow(type, 'r') && AccessRules.RoleAllows(caller, type, 'r');

    /// <summary>Of these stored resources, those the caller may read (for includes and $everything).</summary>
    public async Task<IReadOnlyList<StoredResource>> ReadableAsync(RecordSession session, IReadOnlyList<StoredResource> resources, CancellationToken ct)
    {
        var candidates = resources.Where(r => MayRead(r.Type)).ToList();
        if (candidates.Count == 0 || caller.IsSystem) return candidates;
        var visible = new HashSet<long>();
        foreach (var chunk in candidates.Select(r => r.Key).Chunk(500))
        {
            var q = new SqlParameters();
            var f = RowFilter(q, "r", null)!;
            var keys = string.Join(", ", chunk.Select(k => q.Add(k)));
            await using var cmd = session.Command($"SELECT r.rkey FROM resource r WHERE r.rkey IN ({keys}) AND {f}", [.. q.Values]);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) visible.Add(reader.GetInt64(0));
        }
        return candidates.Where(r => visible.Contains(r.Key)).ToList();
    }

    /// <summary>Whether <see cref="RowFilter"/> filters rows of <paramref name="type"/> at all.</summary>
    public bool FiltersRows(string? type) =>
        !caller.IsSystem && (type is null || ResourceClasses.Of(type) == ResourceClass.Clinical);

    /// <summary>
    /// Whether the caller's filter keeps a good share of a type's resources, so that a search can walk them in key
    /// order and check the filter on each (LoneTokenSql): a commune doctor sees their whole station's patients. A
    /// patient sees one patient's record (searched as the set of its keys, <see cref="OwnRecord"/>) and a specialist
    /// their hospital's consults' patients; walking the whole database for those would be long. Read as a set, a
    /// hospital's patients cost more than the walk: with 3,000 consults addressed to it, a specialist's searches took
    /// 1.2–4.1 s that way at 1M, against 19–412 ms checking each match (docs/PERFORMANCE.md, run AV).
    /// </summary>
    public bool SeesWholeStation => caller.Has(Roles.CommuneDoctor) && caller.OrganizationId is not null
        && !caller.Has(Roles.Patient) && !caller.Has(Roles.Specialist) && !caller.Has(Roles.Coordinator);

    /// <summary>
    /// Whether the caller sees only one patient's record of <paramref name="type"/> (<see cref="OwnRecord"/>): a search's
    /// other conditions are then best checked on each of those few resources (CriterionSql.DatePredicate) than read as sets of
    /// everyone's. Not for a type the caller sees whole (a patient looking for free slots).
    /// </summary>
    public bool SeesOneRecordOf(string type) => FiltersRows(type) && OwnPatient is not null;

    /// <summary>The patient whose record a patient caller sees (<see cref="OwnRecord"/>); null for anyone else.</summary>
    private string? OwnPatient => caller.Has(Roles.Patient) ? caller.FhirUserId("Patient") : null;

    /// <summary>
    /// A SQL predicate keeping rows (of <paramref name="alias"/>, with rkey, type and id columns) the caller may see;
    /// null when nothing needs filtering. <paramref name="type"/> null means rows of any type (system history).
    /// </summary>
    public string? RowFilter(SqlParameters p, string alias, string? type)
    {
        if (!FiltersRows(type)) return null;
        if (type is not null) return Visible(p, alias, type);
        var clinical = string.Join(", ", ResourceClasses.Clinical.Select(t => p.Add(t)));
        var other = $"({alias}.type NOT IN ({clinical})" + (caller.Has(Roles.PlatformAdmin) ? ")" : $" AND {alias}.type <> 'AuditEvent')");
        return AccessRules.SeesClinical(caller) ? $"({other} OR ({alias}.type IN ({clinical}) AND {Visible(p, alias, null)}))" : other;
    }

    /// <summary>
    /// How a read of one resource of <paramref name="type"/> is checked (null: not at all); <paramref name="current"/>:
    /// the row read is the resource's (a read), not one of its versions (a vread). A commune doctor mostly
    /// reads their own station's patients, so their read only names the resource's patient, which
    /// <see cref="StationManagesAsync"/> checks; anyone else's read carries the whole rule as a filter. A resource that
    /// does not pass gets the full check (<see cref="CheckReadAsync"/>) before any refusal.
    /// </summary>
    public ReadCheck? ForRead(SqlParameters p, string alias, string type, bool current)
    {
        if (caller.IsSystem || ResourceClasses.Of(type) != ResourceClass.Clinical) return null;
        return caller.Has(Roles.CommuneDoctor) && caller.OrganizationId is not null
            ? new ReadCheck(null, PatientAccessSql.SolePatient(alias, type, current))
            : new ReadCheck(Visible(p, alias, type), null);
    }

    /// <summary>Whether the commune doctor's station manages this patient (null: the resource names no single patient).</summary>
    public async Task<bool> StationManagesAsync(RecordSession session, string? patient, CancellationToken ct) =>
        patient is not null && caller.OrganizationId is { } org && await roster.ManagesAsync(session, org, patient, ct);

    /// <summary>Throws 403 (and records the refusal) unless the caller may see this stored resource.</summary>
    public async Task CheckReadAsync(RecordSession session, StoredResource stored, string interaction, CancellationToken ct)
    {
        if (!await VisibleAsync(session, stored, ct)) throw Refused(interaction, stored);
    }

    /// <summary>The 403 (recorded as a refusal) for a stored resource outside the caller's reach.</summary>
    public FhirException Refused(string interaction, StoredResource stored) =>
        Refused(interaction, $"{stored.Type}/{stored.Id}", $"{stored.Type}/{stored.Id} is part of the record of a patient {Who()} may not see.");

    /// <summary>
    /// Before a write: the current version (if any) must be one the caller may see, and the new body (by its index)
    /// must stay within what the caller may write, so nobody moves a record into or out of someone else's reach.
    /// </summary>
    public async Task CheckWriteAsync(RecordSession session, string type, string id, StoredResource? current, ResourceIndex? after,
        string interaction, CancellationToken ct)
    {
        if (caller.IsSystem) return;
        var what = $"{type}/{id}";
        if (current is not null && !current.Deleted && !await VisibleAsync(session, current, ct))
            throw Refused(interaction, what, $"{what} is part of the record of a patient {Who()} may not see.");
        if (after is null) return;
        switch (ResourceClasses.Of(type))
        {
            case ResourceClass.Clinical:
                await CheckClinicalBodyAsync(session, type, id, after, interaction, ct);
                break;
            case ResourceClass.Directory when caller.Has(Roles.FacilityAdmin):
                if (!await rules.OwnFacilityAsync(session, caller, type, id, current, after, ct))
                    throw Refused(interaction, what, $"A facility administrator writes only their own facility's directory entries ({caller.Organization}); {what} is not one of them.");
                break;
        }
    }

    private async Task CheckClinicalBodyAsync(RecordSession session, string type, string id, ResourceIndex after, string interaction, CancellationToken ct)
    {
        var what = $"{type}/{id}";
        if (type == "Patient")
        {
            // A station's doctor registers and keeps patients of their own station.
            var own = caller.Has(Roles.CommuneDoctor) && caller.OrganizationId is { } org &&
                      after.References.Any(r => r.Param == "organization" && r.TargetType == "Organization" && r.TargetId == org);
            if (own || await rules.AllowedPatientsAsync(session, caller, [id], ct) is { Count: 1 }) return;
            throw Refused(interaction, what, caller.Has(Roles.CommuneDoctor)
                ? $"A commune doctor writes patients of their own station: set managingOrganization to {caller.Organization}."
                : $"{Who()} may not write {what}.");
        }
        var patients = after.References.Where(r => r.TargetType == "Patient" && r.TargetId is not null)
            .Select(r => r.TargetId!).Distinct().ToList();
        if (patients.Count == 0)
            throw Refused(interaction, what, $"A {type} written by a person must name the patient it is about (for example its subject).");
        var allowed = await rules.AllowedPatientsAsync(session, caller, patients, ct);
        var refused = patients.Where(p => !allowed.Contains(p)).ToList();
        if (refused.Count > 0)
            throw Refused(interaction, what, $"{what} names Patient/{string.Join(", Patient/", refused)}, whose record {Who()} may not write.");
    }

    /// <summary>
    /// Whether one stored resource is within the caller's reach: the patients it names (or it is), each checked with
    /// its id as a constant, so the database looks up that patient's links rather than planning over all of them.
    /// </summary>
    private async Task<bool> VisibleAsync(RecordSession session, StoredResource stored, CancellationToken ct)
    {
        if (caller.IsSystem || ResourceClasses.Of(stored.Type) != ResourceClass.Clinical) return true;
        if (stored.Deleted) return await WasVisibleAsync(session, stored, ct);
        // A Patient is its own patient, and also reaches the patients it links to (as the search filter has it).
        var named = await PatientCompartment.PatientsOfAsync(session, stored.Key, ct);
        var patients = stored.Type == "Patient" ? [stored.Id, .. named] : named;
        return patients.Count > 0 && (await rules.AllowedPatientsAsync(session, caller, patients, ct)).Count > 0;
    }

    /// <summary>
    /// A deleted resource has no index rows left to check: whoever could see the version before the deletion may
    /// learn that it is gone (410); anyone else gets the same 403 as for a resource they may not see.
    /// </summary>
    private async Task<bool> WasVisibleAsync(RecordSession session, StoredResource deleted, CancellationToken ct)
    {
        if (deleted.Version < 2 || await ResourceReader.ReadVersionAsync(session, deleted.Type, deleted.Id, deleted.Version - 1, ct) is not
            { Deleted: false, Json: { } json }) return false;
        var before = indexer.Index(Model.FhirJson.ParseStored(json));
        if (deleted.Type == "Patient")
            return (caller.Has(Roles.CommuneDoctor) && caller.OrganizationId is { } org &&
                    before.References.Any(r => r.Param == "organization" && r.TargetType == "Organization" && r.TargetId == org))
                   || (await rules.AllowedPatientsAsync(session, caller, [deleted.Id], ct)).Count > 0;
        var patients = before.References.Where(r => r.TargetType == "Patient" && r.TargetId is not null).Select(r => r.TargetId!).Distinct().ToList();
        if (patients.Count == 0) return false;
        if ((await rules.AllowedPatientsAsync(session, caller, patients, ct)).Count > 0) return true;
        // The patient may be gone too (a record deleted with its patient): then as the patient was before.
        foreach (var patient in patients)
            if (await ResourceReader.ReadAsync(session, "Patient", patient, ct) is { Deleted: true } gone && await WasVisibleAsync(session, gone, ct))
                return true;
        return false;
    }

    /// <summary>
    /// "The row is a patient the caller may see, or refers to one" (a Patient also through its links). With the
    /// type known, only what can hold for it is written out: the statement stays small to plan.
    /// </summary>
    private string Visible(SqlParameters p, string alias, string? type)
    {
        if (OwnPatient is { } self) return OwnRecord(p, alias, type, self);
        if (rules.AllowedPatient(p, caller) is not { } allowed) return "1 = 0";
        var x = p.Alias("acc");
        var refers = $"EXISTS (SELECT 1 FROM ix_reference {x} WHERE {x}.rkey = {alias}.rkey AND {x}.target_type = 'Patient' " +
                     $"AND {allowed(x + ".target_id")})";
        if (type is not null && type != "Patient") return refers;
        var patient = type is null ? $"({alias}.type = 'Patient' AND {allowed(alias + ".id")})" : allowed(alias + ".id");
        return $"({patient} OR {refers})";
    }

    /// <summary>
    /// A patient's own record: the patient, and what refers to them, as the set of those keys, which the database
    /// reads first (a patient is named by a few dozen resources). Written as a check on each row, as for the other
    /// roles, a search walked the type's resources in key order: a patient's first page of their observations took
    /// 1.0 s at a million resources, of their heart rates 0.6 s.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL the set is an array worked out before the statement runs (<c>= ANY (ARRAY(…))</c>), so no plan
    /// can do otherwise. As <c>IN (…)</c>, the planner estimated the set from the statistics of ix_reference, where a
    /// patient who reads their record often is among the commonest targets (each read's AuditEvent names them): for the
    /// bench's patient, with 26 clinical references and 3,029 in AuditEvents, it expected 690 and merged the set with
    /// every observation in key order, 31-161 ms a page at 1M against 0.1-0.5 ms from the array (run AX).
    /// </remarks>
    private string OwnRecord(SqlParameters p, string alias, string? type, string self)
    {
        var id = p.Add(self);
        var x = p.Alias("own");
        // AuditEvents are never checked against this (they are not clinical records), and leaving theirs out lets the
        // database use ix_reference_target_clinical: with them, a patient's references are mostly the audit trail
        // of their reads, in no index by target (2,412 rows and a scan of the whole table for a bench patient).
        var refers = $"SELECT {x}.rkey FROM ix_reference {x} WHERE {x}.target_type = 'Patient' AND {x}.target_id = {id} AND {x}.type <> 'AuditEvent'";
        var keys = type is not null && type != "Patient" ? refers
            : $"SELECT {x}p.rkey FROM resource {x}p WHERE {x}p.type = 'Patient' AND {x}p.id = {id} UNION ALL {refers}";
        return postgres ? $"{alias}.rkey = ANY (ARRAY({keys}))" : $"{alias}.rkey IN ({keys})";
    }

    private bool ScopesAllow(string type, char permission) =>
        caller.IsSystem ? caller.Scopes.Allows(type, permission, ScopeContext.System)
        : caller.Has(Roles.Patient) ? caller.Scopes.Allows(type, permission, ScopeContext.Patient, ScopeContext.User)
        : caller.Scopes.Allows(type, permission, ScopeContext.User);

    private FhirException Refused(string interaction, string what, string message)
    {
        audit.RecordRefusal(caller, interaction, what, message);
        return Forbidden(message);
    }

    private string Who() => caller.IsSystem ? $"The client {caller.ClientId ?? caller.Subject}"
        : $"{caller.FhirUser ?? caller.Subject} ({string.Join(", ", caller.Roles)})";

    private static FhirException Forbidden(string message) => new(403, Hl7.Fhir.Model.OperationOutcome.IssueType.Forbidden, message);

    private static string Verb(char permission) => permission switch
    {
        'c' => "create",
        'r' => "read",
        'u' => "update",
        'd' => "delete",
        _ => "search",
    };
}

/// <summary>
/// How one read by id is checked: <paramref name="Filter"/>, the whole rule as a predicate of the read; or
/// <paramref name="Patient"/>, the SQL of the one patient the resource is or names, for the station roster.
/// </summary>
public sealed record ReadCheck(string? Filter, string? Patient);
