using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Access.AccessNetwork;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>Every read or change of patient data leaves an AuditEvent: who, which client, what, when, outcome.</summary>
public abstract class AuditTrailTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Service => store.Host.Client;

    /// <summary>AuditEvents matching the query, waiting up to 10 s for queued ones (reads are stored in batches).</summary>
    private async Task<List<AuditEvent>> EventsAsync(string query, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = (await Service.SearchAsync("AuditEvent?" + query)).Entry.Select(e => (AuditEvent)e.Resource).ToList();
            if (found.Count >= atLeast || DateTime.UtcNow > deadline) return found;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_change_is_audited_in_its_own_transaction_and_a_read_soon_after()
    {
        await SeedAsync(Service);
        var doctor = store.Host.ClientWith(DoctorA);
        var created = await doctor.CreateAsync(Observation(null!, "a1"));

        // The change's event is there at once: it was committed with the change.
        var change = (await Service.SearchAsync($"AuditEvent?entity=Observation/{created.Id}&action=C")).Entry.Select(e => (AuditEvent)e.Resource).Single();
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, change.Outcome);
        Assert.Equal("create", change.Subtype.Single().Code);
        Assert.Equal("Practitioner/doc-a", change.Agent[0].Who.Reference);
        Assert.Equal("commune_doctor", change.Agent[0].Role.Single().Coding.Single().Code);
        Assert.Equal("telehealth-web", change.Agent[1].Who.Identifier.Value);
        Assert.Equal("Device", change.Agent[1].Who.Type);
        Assert.Contains(change.Entity, e => e.What?.Reference == "Patient/a1" && e.Role?.Code == "1");
        Assert.NotNull(change.Recorded);

        await FhirHttp.ExpectAsync(await doctor.GetAsync($"Observation/{created.Id}"), HttpStatusCode.OK);
        var read = await EventsAsync($"entity=Observation/{created.Id}&action=R");
        Assert.Equal("read", read.Single().Subtype.Single().Code);
        Assert.Contains(read.Single().Entity, e => e.What?.Reference == "Patient/a1");

        await doctor.SearchAsync("Observation?subject=Patient/a2");
        var search = await EventsAsync("patient=Patient/a2&action=R&subtype=search-type");
        Assert.Contains(search, e => e.Entity.Any(x => x.Description?.StartsWith("Observation?subject=") == true));
    }

    [Fact]
    public async Task A_deletion_is_audited_naming_the_patient_whose_record_it_was()
    {
        await SeedAsync(Service);
        var doctor = store.Host.ClientWith(DoctorA);
        var created = await doctor.CreateAsync(Observation(null!, "a1"));
        await FhirHttp.ExpectAsync(await doctor.DeleteAsync($"Observation/{created.Id}"), HttpStatusCode.NoContent);

        // Found by the patient, as everything done to their record is.
        var deletion = (await Service.SearchAsync($"AuditEvent?patient=Patient/a1&entity=Observation/{created.Id}&action=D"))
            .Entry.Select(e => (AuditEvent)e.Resource).Single();
        Assert.Equal("delete", deletion.Subtype.Single().Code);
        Assert.Contains(deletion.Entity, e => e.What?.Reference == "Patient/a1" && e.Role?.Code == "1");
        Assert.Contains(deletion.Entity, e => e.What?.Reference == $"Observation/{created.Id}/_history/2");
    }

    [Fact]
    public async Task A_service_is_audited_as_its_client_a_device_never_as_a_patient()
    {
        await SeedAsync(Service);
        var created = await Service.CreateAsync(Observation(null!, "a1"));

        var change = (await EventsAsync($"entity=Observation/{created.Id}&action=C")).Single();
        var client = change.Agent.Single().Who;
        Assert.Equal("Device", client.Type);
        Assert.Equal("urn:telehealth:oauth-client", client.Identifier.System);
        var byAgent = await Service.SearchAsync($"AuditEvent?agent:identifier=urn:telehealth:oauth-client|{client.Identifier.Value}&entity=Observation/{created.Id}");
        Assert.Single(byAgent.Entry);
        // The patient parameter takes only references to patients: the client's identifier does not name one.
        var asPatient = await Service.SearchAsync($"AuditEvent?patient:identifier=urn:telehealth:oauth-client|{client.Identifier.Value}&entity=Observation/{created.Id}");
        Assert.Empty(asPatient.Entry);
        Assert.Single((await Service.SearchAsync($"AuditEvent?patient=Patient/a1&entity=Observation/{created.Id}")).Entry);
    }

    [Fact]
    public async Task A_transaction_is_audited_as_one_event_naming_every_resource_and_patient()
    {
        await SeedAsync(Service);
        var doctor = store.Host.ClientWith(DoctorA);
        var tag = Guid.NewGuid().ToString("N");
        var entries = new[] { "a1", "a1", "a2" }.Select(p =>
        {
            var observation = Observation(null!, p);
            observation.Identifier = [new Identifier("urn:test", tag)];
            return BundleHttp.Entry(Bundle.HTTPVerb.POST, "Observation", observation);
        }).ToArray();
        var response = await doctor.PostBundleAsync(Bundle.BundleType.Transaction, entries);
        var ids = response.Entry.Select(e => e.Response.Location.Split('/')).Select(parts => parts[Array.IndexOf(parts, "Observation") + 1]).ToList();

        var events = (await Service.SearchAsync($"AuditEvent?entity=Observation/{ids[0]}")).Entry.Select(e => (AuditEvent)e.Resource).ToList();
        var audit = Assert.Single(events);
        Assert.Equal("transaction", audit.Subtype.Single().Code);
        Assert.Equal(AuditEvent.AuditEventAction.C, audit.Action);
        Assert.All(ids, id => Assert.Contains(audit.Entity, e => e.What?.Reference?.StartsWith($"Observation/{id}/") == true));
        Assert.Contains(audit.Entity, e => e.What?.Reference == "Patient/a1");
        Assert.Contains(audit.Entity, e => e.What?.Reference == "Patient/a2");
    }

    [Fact]
    public async Task A_read_of_more_resources_than_one_event_names_is_audited_in_several_events_naming_each()
    {
        // One patient and 1,100 observations of theirs, read in one search: more resources than one AuditEvent names.
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var entries = new List<Bundle.EntryComponent>
        {
            BundleHttp.Entry(Bundle.HTTPVerb.POST, "Patient", new Patient { Name = [new HumanName { Family = "Lò", Given = ["Văn Pành"] }] }, patientUrl),
        };
        entries.AddRange(Enumerable.Range(0, 1100).Select(i => BundleHttp.Entry(Bundle.HTTPVerb.POST, "Observation", new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference(patientUrl),
            Value = new Quantity(60 + i % 40, "/min"),
        })));
        var created = await Service.PostBundleAsync(Bundle.BundleType.Transaction, [.. entries]);
        var ids = created.Entry.Select(e => e.Response.Location.Split('/')).Select(parts =>
        {
            var type = Array.FindIndex(parts, p => p is "Patient" or "Observation");
            return $"{parts[type]}/{parts[type + 1]}";
        }).ToList();

        var page = await Service.SearchAsync($"Patient?_id={ids[0]["Patient/".Length..]}&_revinclude=Observation:subject");
        Assert.Equal(1101, page.Entry.Count);

        // Every resource the search returned is named by a read event, the last observations as much as the first.
        foreach (var id in new[] { ids[0], ids[1], ids[999], ids[1000], ids[^1] })
        {
            var events = await EventsAsync($"entity={id}&action=R&subtype=search-type");
            Assert.True(events.Count > 0, $"No read event names {id}.");
            Assert.All(events, e => Assert.True(e.Entity.Count(x => x.Type?.Code == "2" && x.What is not null) <= 1000));
        }
    }

    [Fact]
    public async Task The_audit_trail_about_a_patient_is_found_by_a_wildcard_revinclude_and_kept_out_of_their_everything()
    {
        await SeedAsync(Service);
        var doctor = store.Host.ClientWith(DoctorA);
        var created = await doctor.CreateAsync(Observation(null!, "a1"));
        var change = (await EventsAsync($"entity=Observation/{created.Id}&action=C")).Single();

        // AuditEvents' references are found through their reference parameters (they are not in the index by target).
        var withTrail = await Service.SearchAsync("Patient?_id=a1&_revinclude=AuditEvent:*");
        Assert.Contains(withTrail.Entry, e => e.Resource is AuditEvent a && a.Id == change.Id);
        Assert.All(withTrail.Entry.Where(e => e.Resource is AuditEvent), e => Assert.Equal(Bundle.SearchEntryMode.Include, e.Search.Mode));
        var typed = await Service.SearchAsync("Patient?_id=a1&_revinclude=AuditEvent:entity");
        Assert.Contains(typed.Entry, e => e.Resource is AuditEvent a && a.Id == change.Id);

        var everything = await Service.SearchAsync("Patient/a1/$everything");
        Assert.Contains(everything.Entry, e => e.Resource is Observation o && o.Id == created.Id);
        Assert.DoesNotContain(everything.Entry, e => e.Resource is AuditEvent);
    }

    [Fact]
    public async Task A_refused_read_is_audited_with_a_failure_outcome()
    {
        await SeedAsync(Service);
        var doctor = store.Host.ClientWith(DoctorB);
        await FhirHttp.ExpectAsync(await doctor.GetAsync("Patient/a2"), HttpStatusCode.Forbidden);
        var refusals = await EventsAsync("outcome=4&agent=Practitioner/doc-b");
        Assert.Contains(refusals, e => e.Entity.Any(x => x.Description == "Patient/a2") && e.OutcomeDesc.Contains("may not see"));
    }

    [Fact]
    public async Task Nobody_edits_the_audit_trail()
    {
        var audit = new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
            Recorded = DateTimeOffset.UtcNow,
            Agent = [new AuditEvent.AgentComponent { Requestor = true, Who = new ResourceReference { Display = "x" } }],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "x" } },
        };
        var created = await Service.CreateAsync(audit);
        await FhirHttp.ExpectAsync(await Service.PutAsync($"AuditEvent/{created.Id}", FhirHttp.Content(created)), HttpStatusCode.Forbidden);
        await FhirHttp.ExpectAsync(await Service.DeleteAsync($"AuditEvent/{created.Id}"), HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteAuditTrailTests(SqliteStore store) : AuditTrailTests<SqliteStore>(store);

public sealed class PostgresAuditTrailTests(PostgresStore store) : AuditTrailTests<PostgresStore>(store);
