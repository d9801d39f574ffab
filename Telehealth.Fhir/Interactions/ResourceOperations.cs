using Hl7.Fhir.Model;
using Telehealth.Fhir.Access;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Search;
using Telehealth.Fhir.Storage;
using Telehealth.Fhir.Storage.Sql;

namespace Telehealth.Fhir.Interactions;

/// <summary>The result of a write: the version now stored, and whether it was created.</summary>
public sealed record WriteResult(StoredResource Resource, bool Created, bool Unchanged = false);

/// <summary>
/// Create, update and delete, plain and conditional, inside a session the caller owns. The REST endpoints use one
/// session per request; a transaction bundle runs all its entries in one.
/// </summary>
public sealed class ResourceOperations(ResourceIndexer indexer, SearchParser parser, SearchSql search, AuditTrail audit, TimeProvider clock)
{
    public async Task<WriteResult> CreateAsync(RecordSession session, Resource resource, string? ifNoneExist, CancellationToken ct)
    {
        var type = resource.TypeName;
        if (!string.IsNullOrEmpty(ifNoneExist))
        {
            var matches = await DecideAsync(session, type, ifNoneExist, ct);
            if (matches.Count > 1)
                throw FhirException.PreconditionFailed($"If-None-Exist '{ifNoneExist}' matches {matches.Count} {type} resources; make the criteria more selective.");
            if (matches.Count == 1)
            {
                var existing = await ResourceReader.LoadByKeysAsync(session, matches, ct);
                if (session.Guard is { } guard) await guard.CheckReadAsync(session, existing[0], "create", ct);
                return new WriteResult(existing[0], Created: false, Unchanged: true);
            }
        }
        resource.Id = Guid.NewGuid().ToString("N");
        var stored = await InsertAsync(session, resource, freshId: true, ct)
                     ?? throw new InvalidOperationException("A freshly generated id already exists.");
        return new WriteResult(stored, Created: true);
    }

    public async Task<WriteResult> UpdateAsync(RecordSession session, string type, string id, Resource resource, string? ifMatch, CancellationToken ct)
    {
        CheckBody(resource, type, id);
        var current = await ResourceReader.ReadForUpdateAsync(session, type, id, ct);
        if (current is null)
        {
            if (ifMatch is not null)
                throw FhirException.PreconditionFailed($"{type}/{id} does not exist, so If-Match {ifMatch} cannot hold.");
            var created = await InsertAsync(session, resource, freshId: false, ct);
            if (created is not null) return new WriteResult(created, Created: true);
            // Another writer created it between our read and insert: treat ours as an update of theirs.
            current = await ResourceReader.ReadForUpdateAsync(session, type, id, ct)
                      ?? throw FhirException.Conflict($"{type}/{id} is being written by another request; try again.");
        }
        if (ifMatch is not null && ParseETag(ifMatch) != current.Version)
            throw FhirException.PreconditionFailed($"{type}/{id} is at version {current.Version}, not {ifMatch}; read it again and reapply your change.");
        return await ReplaceAsync(session, current, resource, ifMatch is not null, ct);
    }

    public async Task<WriteResult> ConditionalUpdateAsync(RecordSession session, string type, string criteria, Resource resource, CancellationToken ct)
    {
        var matches = await DecideAsync(session, type, criteria, ct);
        if (matches.Count > 1)
            throw FhirException.PreconditionFailed($"The criteria '{criteria}' match {matches.Count} {type} resources; a conditional update needs at most one.");
        if (matches.Count == 0)
        {
            if (resource.Id is not null)
                return await UpdateAsync(session, type, resource.Id, resource, null, ct);
            return await CreateAsync(session, resource, null, ct);
        }
        var existing = (await ResourceReader.LoadByKeysAsync(session, matches, ct))[0];
        if (resource.Id is not null && resource.Id != existing.Id)
            throw FhirException.BadRequest($"The body's id '{resource.Id}' differs from the matched {type}/{existing.Id}.");
        resource.Id = existing.Id;
        return await UpdateAsync(session, type, existing.Id, resource, null, ct);
    }

    public async Task<StoredResource?> DeleteAsync(RecordSession session, string type, string id, CancellationToken ct)
    {
        session.Guard?.Require(type, 'd');
        var current = await ResourceReader.ReadForUpdateAsync(session, type, id, ct);
        if (current is null || current.Deleted) return current;
        if (session.Guard is { } guard) await guard.CheckWriteAsync(session, type, id, current, null, "delete", ct);
        // The patients the resource was about are read before its index rows go (read after, the deletion's event
        // named none, and a patient's audit trail missed the deletions from their record).
        var patients = await PatientCompartment.PatientsOfAsync(session, current.Key, ct);
        var deleted = await ResourceWriter.DeleteAsync(session, current, Now(), ct)
                      ?? throw FhirException.Conflict($"{type}/{id} changed while it was being deleted; try again.");
        await AuditAsync(session, "delete", deleted, patients, ct);
        return deleted;
    }

    public async Task<int> ConditionalDeleteAsync(RecordSession session, string type, string criteria, bool multiple, CancellationToken ct)
    {
        var matches = await MatchAsync(session, ParseCriteria(type, criteria), multiple ? 1000 : 2, ct);
        if (matches.Count > 1 && !multiple)
            throw FhirException.PreconditionFailed($"The criteria '{criteria}' match {matches.Count}+ {type} resources; a conditional delete removes at most one.");
        foreach (var resource in await ResourceReader.LoadByKeysAsync(session, matches, ct))
            await DeleteAsync(session, type, resource.Id, ct);
        return matches.Count;
    }

    /// <summary>Stores the resource as the next version of <paramref name="current"/> (every update is a version, even an identical body).</summary>
    public async Task<WriteResult> ReplaceAsync(RecordSession session, StoredResource current, Resource resource, bool versionChecked, CancellationToken ct)
    {
        var interaction = current.Deleted ? "create" : "update";
        session.Guard?.Require(current.Type, interaction[0]);
        var index = indexer.Index(resource);
        if (session.Guard is { } guard) await guard.CheckWriteAsync(session, current.Type, current.Id, current, index, interaction, ct);
        var now = Now();
        var json = Stamp(resource, current.Version + 1, now);
        var updated = await ResourceWriter.UpdateAsync(session, current, now, json, index, ct);
        if (updated is null)
            throw versionChecked
                ? FhirException.PreconditionFailed($"{current.Type}/{current.Id} changed since version {current.Version}; read it again and reapply your change.")
                : FhirException.Conflict($"{current.Type}/{current.Id} was changed by another request at the same moment; try again.");
        await AuditAsync(session, interaction, updated, PatientsIn(index), ct);
        return new WriteResult(updated, Created: current.Deleted);
    }

    /// <summary>
    /// The matches of a conditional write that creates when nothing matches: first it queues behind every other writer
    /// deciding on any of the same criteria, on any instance, so two of them never both decide that none exists.
    /// </summary>
    public async Task<List<long>> DecideAsync(RecordSession session, string type, string criteria, CancellationToken ct)
    {
        var request = ParseCriteria(type, criteria);
        await session.LockAsync(DecisionKeys.For(type, request.Criteria), ct);
        return await MatchAsync(session, request, 2, ct);
    }

    /// <summary>The lock keys <see cref="DecideAsync"/> takes for these criteria (a transaction takes all its entries' first).</summary>
    public IReadOnlyList<string> DecisionKeysOf(string type, string criteria) => DecisionKeys.For(type, ParseCriteria(type, criteria).Criteria);

    /// <summary>
    /// The resources the criteria match, as the caller's own search would find them: a conditional write searches on
    /// the caller's behalf, so it needs the search permission, and what the caller may not see neither matches nor
    /// answers differently (otherwise a conditional create would tell whether a hidden record exists).
    /// </summary>
    private async Task<List<long>> MatchAsync(RecordSession session, SearchRequest request, int limit, CancellationToken ct)
    {
        session.Guard?.Require(request.ResourceType, 's');
        return await search.MatchKeysAsync(session, request.ResourceType, request.Criteria, limit, ct);
    }

    private SearchRequest ParseCriteria(string type, string criteria)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(criteria.StartsWith('?') ? criteria : "?" + criteria);
        var request = parser.Parse(type, query, strict: true);
        if (request.Criteria.Count == 0)
            throw FhirException.BadRequest($"The conditional criteria '{criteria}' hold no search parameter.");
        return request;
    }

    /// <summary>
    /// Stores version 1 of the resource and audits its creation; null when its (type, id) already exists. Under an id
    /// just generated (<paramref name="freshId"/>), which no other resource can hold, the AuditEvent goes in the same
    /// two round trips (one INSERT for both rows, one command for both versions and index rows); under a client's id
    /// the insert may find it taken, so the event follows only once the resource is stored.
    /// </summary>
    private async Task<StoredResource?> InsertAsync(RecordSession session, Resource resource, bool freshId, CancellationToken ct)
    {
        var now = Now();
        var (json, index) = await PrepareCreateAsync(session, resource, now, ct);
        var (type, id) = (resource.TypeName, resource.Id!);
        var patients = PatientsIn(index).ToList();
        var withIt = freshId && session.Guard is { } guard && session.PendingAudit is null
            ? audit.ChangeEvent(guard.Caller, "create", type, id, 1, patients, now) : null;
        var stored = await ResourceWriter.InsertManyAsync(session,
            withIt is null ? [(type, id, json, index)] : [(type, id, json, index), ("AuditEvent", withIt.Id, withIt.Json, withIt.Index)], now, ct);
        if (withIt is not null && stored[1] is null) throw new InvalidOperationException("A freshly generated AuditEvent id already exists.");
        if (withIt is null && stored[0] is { } created) await AuditAsync(session, "create", created, patients, ct);
        return stored[0];
    }

    /// <summary>
    /// Creates many resources with the ids they carry, in two round trips (see <see cref="ResourceWriter.InsertManyAsync"/>),
    /// under the same checks and audit as one by one. Null for each one whose id turned out to exist already: the
    /// caller writes those one by one, as updates.
    /// </summary>
    /// <param name="refused">Tells a refusal of the n-th resource as the caller wants it told (e.g. naming its bundle entry).</param>
    public async Task<StoredResource?[]> CreateManyAsync(RecordSession session, IReadOnlyList<Resource> resources,
        Func<int, FhirException, FhirException> refused, CancellationToken ct)
    {
        var items = new List<(string, string, string, ResourceIndex)>(resources.Count);
        var now = Now();
        for (var n = 0; n < resources.Count; n++)
        {
            try
            {
                var (json, index) = await PrepareCreateAsync(session, resources[n], now, ct);
                items.Add((resources[n].TypeName, resources[n].Id!, json, index));
            }
            catch (FhirException e) { throw refused(n, e); }
        }
        var stored = await ResourceWriter.InsertManyAsync(session, items, now, ct);
        for (var n = 0; n < stored.Length; n++)
            if (stored[n] is { } created) await AuditAsync(session, "create", created, PatientsIn(items[n].Item4), ct);
        return stored;
    }

    /// <summary>What creating a resource checks and computes before it is stored: scope, reach, index, stamped JSON.</summary>
    private async Task<(string Json, ResourceIndex Index)> PrepareCreateAsync(RecordSession session, Resource resource, DateTimeOffset now, CancellationToken ct)
    {
        session.Guard?.Require(resource.TypeName, 'c');
        var index = indexer.Index(resource);
        if (session.Guard is { } guard) await guard.CheckWriteAsync(session, resource.TypeName, resource.Id!, null, index, "create", ct);
        return (Stamp(resource, 1, now), index);
    }

    /// <summary>The change's AuditEvent, in the change's transaction (only for patient data; see <see cref="AuditTrail"/>).</summary>
    private Task AuditAsync(RecordSession session, string interaction, StoredResource stored, IEnumerable<string> patients, CancellationToken ct)
    {
        if (session.Guard is not { } guard) return Task.CompletedTask;
        if (session.PendingAudit is not { } pending) return audit.RecordChangeAsync(session, guard.Caller, interaction, stored, patients, ct);
        pending.Add(new AuditedChange(interaction, stored, [.. patients]));
        return Task.CompletedTask;
    }

    private static IEnumerable<string> PatientsIn(ResourceIndex index) =>
        index.References.Where(r => r.TargetType == "Patient" && r.TargetId is not null).Select(r => r.TargetId!);

    /// <summary>Now, to the millisecond: the precision FHIR clients and both stores round-trip exactly.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    private static string Stamp(Resource resource, int version, DateTimeOffset now)
    {
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = version.ToString();
        resource.Meta.LastUpdated = now;
        return FhirJson.Serialize(resource);
    }

    public static void CheckBody(Resource resource, string type, string? id)
    {
        if (resource.TypeName != type)
            throw FhirException.BadRequest($"The body is a {resource.TypeName}, but the URL names {type}.");
        if (id is null) return;
        if (resource.Id is null)
            throw FhirException.BadRequest($"The body has no id; an update of {type}/{id} must carry id '{id}'.");
        if (resource.Id != id)
            throw FhirException.BadRequest($"The body's id '{resource.Id}' differs from the id '{id}' in the URL.");
        if (!Hl7.Fhir.Model.Id.IsValidValue(id))
            throw FhirException.BadRequest($"'{id}' is not a valid FHIR id (1 to 64 letters, digits, '-' or '.').");
    }

    public static int ParseETag(string etag)
    {
        var v = etag.Trim();
        if (v.StartsWith("W/", StringComparison.Ordinal)) v = v[2..];
        v = v.Trim('"');
        return int.TryParse(v, out var version)
            ? version
            : throw FhirException.BadRequest($"If-Match '{etag}' is not a version ETag such as W/\"3\".");
    }
}
