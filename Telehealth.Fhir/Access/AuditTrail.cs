using System.Threading.Channels;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Access;

/// <summary>A resource an audited interaction touched.</summary>
public sealed record AuditedResource(long Key, string Type, string Id, int Version);

/// <summary>One change made inside a transaction bundle, waiting to be audited with the others.</summary>
public sealed record AuditedChange(string Interaction, StoredResource Stored, IReadOnlyList<string> Patients);

/// <summary>An AuditEvent ready to be stored as version 1 of a new resource: its JSON and index rows.</summary>
public sealed record StorableEvent(string Id, DateTimeOffset LastUpdated, string Json, ResourceIndex Index);

/// <summary>One audited interaction, before it becomes an AuditEvent.</summary>
public sealed record AuditRecord(
    Caller Caller,
    string Interaction,
    AuditEvent.AuditEventAction Action,
    bool Succeeded,
    string? Refusal,
    IReadOnlyList<AuditedResource> Resources,
    IReadOnlyCollection<string> Patients,
    string? Query,
    DateTimeOffset When,
    DateTimeOffset? Since = null);

/// <summary>
/// Writes an AuditEvent for every read or change of patient data: who (person, role, client, address), what
/// (resources and patients), when, and the outcome. A change's event is stored in the change's own transaction; reads
/// and refusals are queued and stored in batches by <see cref="AuditWriter"/>, so reading stays fast: the reads one
/// caller made in one batch (a quarter of a second, or 200 reads) become one event naming every resource and patient,
/// with the period.
/// </summary>
public sealed class AuditTrail(ResourceIndexer indexer, TimeProvider clock)
{
    public const string ClientSystem = "urn:telehealth:oauth-client";
    /// <summary>Resources one AuditEvent names at most; more make several events.</summary>
    internal const int MaxEntities = 1000;

    private readonly Channel<AuditRecord> queue = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    internal ChannelReader<AuditRecord> Pending => queue.Reader;

    /// <summary>Stores the event for a change of patient data inside the change's session (same transaction).</summary>
    public async Task RecordChangeAsync(RecordSession session, Caller caller, string interaction, StoredResource stored,
        IEnumerable<string> patients, CancellationToken ct)
    {
        if (ChangeEvent(caller, interaction, stored.Type, stored.Id, stored.Version, patients) is { } e)
            await InsertAsync(session, e, ct);
    }

    /// <summary>
    /// The event for a change of patient data, ready to be stored with the change itself (a create stores both in the
    /// same two round trips); null when the resource is not patient data.
    /// </summary>
    /// <param name="at">When the change is stored (the event's lastUpdated, to the millisecond); now when not given.</param>
    public StorableEvent? ChangeEvent(Caller caller, string interaction, string type, string id, int version, IEnumerable<string> patients,
        DateTimeOffset? at = null)
    {
        if (ResourceClasses.Of(type) != ResourceClass.Clinical) return null;
        var action = interaction switch
        {
            "create" => AuditEvent.AuditEventAction.C,
            "delete" => AuditEvent.AuditEventAction.D,
            _ => AuditEvent.AuditEventAction.U,
        };
        var ids = type == "Patient" ? [id] : patients.Distinct().ToList();
        // The key is not part of the event (it names the resource by type, id and version).
        var record = new AuditRecord(caller, interaction, action, true, null, [new AuditedResource(0, type, id, version)], ids, null,
            clock.GetUtcNow());
        return Prepare(record, at);
    }

    /// <summary>
    /// Stores the events for a transaction bundle's changes of patient data inside its session: one AuditEvent per
    /// <see cref="MaxEntities"/> resources changed (a 100-entry bundle writes one event, not a hundred).
    /// </summary>
    public async Task RecordTransactionAsync(RecordSession session, Caller caller, IReadOnlyList<AuditedChange> changes, CancellationToken ct)
    {
        var clinical = changes.Where(c => ResourceClasses.Of(c.Stored.Type) == ResourceClass.Clinical).ToList();
        foreach (var chunk in clinical.Chunk(MaxEntities))
        {
            var interactions = chunk.Select(c => c.Interaction).Distinct().ToList();
            var action = interactions is ["create"] ? AuditEvent.AuditEventAction.C
                : interactions is ["delete"] ? AuditEvent.AuditEventAction.D : AuditEvent.AuditEventAction.U;
            var patients = chunk.SelectMany(c => c.Stored.Type == "Patient" ? [c.Stored.Id] : c.Patients).Distinct().ToList();
            var resources = chunk.Select(c => new AuditedResource(c.Stored.Key, c.Stored.Type, c.Stored.Id, c.Stored.Version)).ToList();
            await StoreAsync(session, new AuditRecord(caller, "transaction", action, true, null, resources, patients, null, clock.GetUtcNow()), ct);
        }
    }

    /// <summary>Queues the event for a read or search that returned patient data (the patients are found when it is stored).</summary>
    public ValueTask RecordReadAsync(Caller caller, string interaction, IEnumerable<StoredResource> resources, string? query, CancellationToken ct)
    {
        var clinical = resources.Where(r => ResourceClasses.Of(r.Type) == ResourceClass.Clinical)
            .Select(r => new AuditedResource(r.Key, r.Type, r.Id, r.Version)).ToList();
        if (clinical.Count == 0) return ValueTask.CompletedTask;
        return queue.Writer.WriteAsync(new AuditRecord(caller, interaction, AuditEvent.AuditEventAction.R, true, null, clinical, [],
            query, clock.GetUtcNow()), ct);
    }

    /// <summary>Queues the event for a refused attempt on patient data.</summary>
    public void RecordRefusal(Caller caller, string interaction, string what, string reason)
    {
        var record = new AuditRecord(caller, interaction, interaction is "read" or "vread" or "search" or "history" ? AuditEvent.AuditEventAction.R : AuditEvent.AuditEventAction.E,
            false, reason, [], [], what, clock.GetUtcNow());
        queue.Writer.TryWrite(record);
    }

    internal Task StoreAsync(RecordSession session, AuditRecord record, CancellationToken ct) => InsertAsync(session, Prepare(record), ct);

    private static Task InsertAsync(RecordSession session, StorableEvent e, CancellationToken ct) =>
        ResourceWriter.InsertAsync(session, "AuditEvent", e.Id, e.LastUpdated, e.Json, e.Index, ct);

    private StorableEvent Prepare(AuditRecord record, DateTimeOffset? at = null)
    {
        var e = Build(record);
        e.Id = Guid.NewGuid().ToString("N");
        var now = at ?? clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        e.Meta = new Meta { VersionId = "1", LastUpdated = now };
        return new StorableEvent(e.Id, now, FhirJson.Serialize(e), indexer.Index(e));
    }

    private static AuditEvent Build(AuditRecord r)
    {
        var caller = r.Caller;
        var e = new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", r.Interaction)],
            Action = r.Action,
            Recorded = r.When,
            Period = r.Since is { } since ? new Period(new FhirDateTime(since), new FhirDateTime(r.When)) : null,
            Outcome = r.Succeeded ? AuditEvent.AuditEventOutcome.N0 : AuditEvent.AuditEventOutcome.N4,
            OutcomeDesc = r.Refusal,
            Source = new AuditEvent.SourceComponent
            {
                Site = "telehealth",
                Observer = new ResourceReference { Display = "Telehealth record service" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };
        var person = new AuditEvent.AgentComponent
        {
            // A service (client credentials) acts as itself: a Device, the client software, named by its client id.
            Who = caller.FhirUser is { } user
                ? new ResourceReference(user)
                : new ResourceReference { Type = "Device", Identifier = new Identifier(ClientSystem, caller.ClientId ?? caller.Subject) },
            AltId = caller.Subject,
            Requestor = true,
            Role = caller.Roles.Select(role => new CodeableConcept("urn:telehealth:role", role)).ToList(),
        };
        if (caller.Address is { } address)
            person.Network = new AuditEvent.NetworkComponent { Address = address, Type = AuditEvent.AuditEventAgentNetworkType.N2 };
        e.Agent.Add(person);
        if (caller.FhirUser is not null && caller.ClientId is { } client)
            e.Agent.Add(new AuditEvent.AgentComponent
            {
                Who = new ResourceReference { Type = "Device", Identifier = new Identifier(ClientSystem, client), Display = client },
                Requestor = false,
            });
        foreach (var resource in r.Resources)
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"{resource.Type}/{resource.Id}/_history/{resource.Version}"),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
            });
        foreach (var patient in r.Patients)
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"Patient/{patient}"),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            });
        if (r.Query is { } query)
            e.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Description = query,
                Query = System.Text.Encoding.UTF8.GetBytes(query),
            });
        return e;
    }
}
