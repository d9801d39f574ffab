using System.Text.Json;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>
/// PostgreSQL plans a patient's encounters from its statistics, and the audit trail soon holds most of the reference
/// index's rows (every read names what it read). Migration 0012: with functional dependencies in the statistics, "a row
/// naming this patient" came to imply the AuditEvent type, a patient's 3 encounters were estimated at hundreds of rows,
/// and the plan walked every encounter in key order (37 ms for the last patient at 100,000 resources instead of 0.2).
/// </summary>
public sealed class AuditTrailEstimateTests(PostgresStore store) : IClassFixture<PostgresStore>
{
    private const int Patients = 2_000;
    private const int Reads = 1_000_000;

    [Fact]
    public async Task A_patients_encounters_are_estimated_as_few_when_audit_rows_name_the_patient_far_more_often()
    {
        // One patient and its encounters through the service, for the search at the end.
        var last = $"est-p{Patients - 1}";
        var entries = new List<Bundle.EntryComponent>
        {
            BundleHttp.Entry(Bundle.HTTPVerb.PUT, $"Patient/{last}", new Patient { Id = last, BirthDate = "1980-01-01" }),
        };
        for (var k = 0; k < 3; k++)
            entries.Add(BundleHttp.Entry(Bundle.HTTPVerb.PUT, $"Encounter/est-e{Patients - 1}-{k}", new Encounter
            {
                Id = $"est-e{Patients - 1}-{k}",
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR"),
                Subject = new ResourceReference($"Patient/{last}"),
            }));
        await store.Host.Client.PostBundleAsync(Bundle.BundleType.Transaction, [.. entries]);

        // The reference index of a station's records after a long time of reads, written straight into the table (the
        // statistics are what is tested, and writing three million rows through the API would take minutes): each
        // patient's 3 encounters and 6 observations name it, each observation its encounter; each read's AuditEvent
        // names the patient (as entity and as patient) and an encounter (as entity). 95 % of the rows are the audit
        // trail's, as in the benchmark's database after its searches.
        await StoreSql.ExecuteAsync(store,
            "INSERT INTO ix_reference (rkey, type, param, target_type, target_id, url) " +
            $"SELECT 1000000000, c.type, c.param, 'Patient', 'est-p' || i, NULL FROM generate_series(0, {Patients - 2}) i, " +
            "(VALUES ('Encounter', 'subject'), ('Encounter', 'patient'), ('Observation', 'subject'), ('Observation', 'patient')) c(type, param), " +
            "generate_series(1, 3) n",
            "INSERT INTO ix_reference (rkey, type, param, target_type, target_id, url) " +
            $"SELECT 1000000001, 'Observation', 'encounter', 'Encounter', 'est-e' || i || '-' || k, NULL FROM generate_series(0, {Patients - 1}) i, " +
            "generate_series(0, 2) k, generate_series(1, 2) n",
            "INSERT INTO ix_reference (rkey, type, param, target_type, target_id, url) " +
            $"SELECT 1000000002, 'AuditEvent', a.param, a.target_type, a.prefix || (g % {Patients}) || a.suffix, NULL " +
            $"FROM generate_series(1, {Reads}) g, LATERAL (VALUES ('entity', 'Patient', 'est-p', ''), ('patient', 'Patient', 'est-p', ''), " +
            "('entity', 'Encounter', 'est-e', '-' || (g % 3))) a(param, target_type, prefix, suffix)",
            "ANALYZE ix_reference");

        var plan = await PlanAsync(
            "SELECT r.rkey FROM resource r WHERE r.type = 'Encounter' AND r.deleted = 0 AND r.rkey <= 9000000000000000000 AND r.rkey IN " +
            "(SELECT i0.rkey FROM ix_reference i0 WHERE i0.type = 'Encounter' AND i0.param = 'subject' " +
            $"AND i0.target_id = '{last}' AND i0.target_type = 'Patient') ORDER BY r.rkey LIMIT 21");
        var lookup = Nodes(plan).Single(n => n.TryGetProperty("Relation Name", out var r) && r.GetString() == "ix_reference");
        var estimate = lookup.GetProperty("Plan Rows").GetDouble();
        Assert.True(estimate <= 30, $"The patient's 3 encounters were estimated at {estimate} rows: {plan}");
        // The bad plan walked every encounter in key order: resource's primary key read without a condition. (A merge
        // over the patient's keys in order, from ix_reference_clinical_keys, is fine.)
        Assert.DoesNotContain(Nodes(plan), n => n.TryGetProperty("Index Name", out var index) && index.GetString() == "resource_pkey"
                                               && !n.TryGetProperty("Index Cond", out _));

        // And the search answers with exactly the patient's encounters.
        var ids = await store.Host.Client.IdsAsync($"Encounter?subject=Patient/{last}");
        Assert.Equal(Enumerable.Range(0, 3).Select(k => $"est-e{Patients - 1}-{k}").Order(), ids.Order());
    }

    private async Task<JsonElement> PlanAsync(string query)
    {
        var json = (string)(await StoreSql.ExecuteAsync(store, "EXPLAIN (FORMAT JSON) " + query))!;
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Plan").Clone();
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (!node.TryGetProperty("Plans", out var children)) yield break;
        foreach (var child in children.EnumerateArray())
            foreach (var n in Nodes(child)) yield return n;
    }
}
