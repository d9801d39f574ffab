using Telehealth.Fhir.Access;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

public static class ReadEndpoints
{
    public static void MapReads(this RouteGroupBuilder fhir)
    {
        fhir.MapGet("/{type}/{id}", async (string type, string id, RecordDatabase db, AuditTrail audit, SearchParameterRegistry registry,
            CancellationToken ct) =>
        {
            KnownType(registry, type);
            await using var session = await db.ReadAsync(ct);
            return FhirResults.Resource(await ReadCheckedAsync(session, audit, type, id, null, ct));
        });

        fhir.MapGet("/{type}/{id}/_history/{version}", async (string type, string id, string version, RecordDatabase db, AuditTrail audit,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            KnownType(registry, type);
            if (!int.TryParse(version, out var v) || v < 1)
                throw FhirException.BadRequest($"'{version}' is not a version number.");
            await using var session = await db.ReadAsync(ct);
            return FhirResults.Resource(await ReadCheckedAsync(session, audit, type, id, v, ct));
        });
    }

    /// <summary>
    /// A read or vread as the session's caller may make it: the scope and role first (403 before anything is looked
    /// up), then the resource, then whether its patient is one the caller may see; the read is audited.
    /// </summary>
    public static async Task<StoredResource> ReadCheckedAsync(RecordSession session, AuditTrail audit, string type, string id, int? version,
        CancellationToken ct)
    {
        var interaction = version is null ? "read" : "vread";
        var guard = session.Guard;
        guard?.Require(type, 'r');
        var p = new Storage.Sql.SqlParameters();
        var check = guard?.ForRead(p, "r", type, current: version is null);
        var (stored, visible, patient) = await ResourceReader.ReadWithAsync(session, type, id, version, p, check?.Filter, check?.Patient, ct)
            ?? throw FhirException.NotFound(version is { } v ? $"{type}/{id} has no version {v}." : $"{type}/{id} does not exist.");
        if (guard is not null)
        {
            if (check?.Patient is not null) visible = !stored.Deleted && await guard.StationManagesAsync(session, patient, ct);
            // Not the station's own patient, or deleted (no index rows left to filter on): the full check decides.
            if (!visible && check?.Filter is not null && !stored.Deleted) throw guard.Refused(interaction, stored);
            if (!visible) await guard.CheckReadAsync(session, stored, interaction, ct);
            if (!stored.Deleted) await audit.RecordReadAsync(guard.Caller, interaction, [stored], null, ct);
        }
        if (stored.Deleted)
            throw FhirException.Gone(version is null ? $"{type}/{id} was deleted (version {stored.Version})." : $"Version {version} of {type}/{id} records its deletion.");
        return stored;
    }

    public static void KnownType(SearchParameterRegistry registry, string type)
    {
        if (!registry.IsKnownType(type))
            throw FhirException.NotFound($"'{type}' is not a FHIR R4 resource type this server stores.");
    }
}
