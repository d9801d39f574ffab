using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests;

/// <summary>
/// The schema is migrated when the service starts: a database that already holds records keeps them across a restart,
/// migrations already applied are not applied again, and instances starting together on an empty database agree.
/// </summary>
public abstract class MigrationTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    /// <summary>The migration scripts the service carries for this store, counted from its assembly.</summary>
    private static int ScriptCount(TestStore store)
    {
        var folder = store is PostgresStore ? ".postgres." : ".sqlite.";
        return typeof(Program).Assembly.GetManifestResourceNames().Count(n => n.Contains(folder) && n.EndsWith(".sql"));
    }

    /// <summary>What the schema_migration table records, read straight from the database.</summary>
    private static Task<List<string>> AppliedMigrationsAsync(TestStore target) =>
        StoreSql.RowsAsync(target, "SELECT version, name, applied_at FROM schema_migration ORDER BY version");

    [Fact]
    public async Task Records_written_before_a_restart_are_all_there_after_it_and_migrations_are_not_applied_again()
    {
        var code = "MG" + Guid.NewGuid().ToString("N")[..10];
        Patient written;
        List<string> migrationsBefore;
        using (var first = new RecordServiceHost(store.HostSettings))
        {
            written = await first.Client.CreateAsync(new Patient
            {
                Identifier = [new Identifier("urn:test:migration", code)],
                Name = [new HumanName { Family = "Tạ", Given = ["Quang", "Bửu"] }],
                BirthDate = "1959-09-09",
            });
            written.Active = true;
            written = await first.Client.PutAsync(written);
            migrationsBefore = await AppliedMigrationsAsync(store);
        }
        Assert.Equal(ScriptCount(store), migrationsBefore.Count);

        using var second = new RecordServiceHost(store.HostSettings);
        var client = second.Client;
        var read = await FhirHttp.ReadAsync<Patient>(await client.GetAsync($"Patient/{written.Id}"));
        Assert.Equal(("2", true, "Bửu"), (read.Meta.VersionId, read.Active, read.Name[0].Given.Last()));
        Assert.Equal(written.Meta.LastUpdated, read.Meta.LastUpdated);
        Assert.Equal("1959-09-09", (await FhirHttp.ReadAsync<Patient>(await client.GetAsync($"Patient/{written.Id}/_history/1"))).BirthDate);
        Assert.Equal([written.Id], await client.IdsAsync($"Patient?identifier=urn:test:migration|{code}"));
        Assert.Equal([written.Id], await client.IdsAsync("Patient?family=Tạ&birthdate=1959-09-09"));
        Assert.Equal(2, (await client.SearchAsync($"Patient/{written.Id}/_history")).Entry.Count);
        Assert.Equal(migrationsBefore, await AppliedMigrationsAsync(store));

        read.Active = false;
        Assert.Equal("3", (await client.PutAsync(read)).Meta.VersionId);
    }

    [Fact]
    public async Task Date_rows_stored_before_the_span_classes_are_reclassified_by_migration_7_and_still_found()
    {
        TestStore fresh = store is PostgresStore ? new PostgresStore() : new SqliteStore();
        await fresh.InitializeAsync();
        try
        {
            string id;
            using (var first = new RecordServiceHost(fresh.HostSettings))
                id = (await first.Client.CreateAsync(new Observation
                {
                    Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4"),
                    Effective = new FhirDateTime("2024-03-05T10:30:00Z"),
                })).Id;
            // The schema before migration 7: an instant's row was of the one short class then (is_short = 1).
            var spanClass = $"SELECT d.span_class FROM ix_date d JOIN resource r ON r.rkey = d.rkey WHERE r.type = 'Observation' AND r.id = '{id}' AND d.param = 'date'";
            Assert.Equal(2L, Convert.ToInt64(await StoreSql.ExecuteAsync(fresh, spanClass)));
            await StoreSql.ExecuteAsync(fresh, "ALTER TABLE ix_date RENAME COLUMN span_class TO is_short",
                "UPDATE ix_date SET is_short = 1 WHERE is_short = 2", "DELETE FROM schema_migration WHERE version = 7");

            using var second = new RecordServiceHost(fresh.HostSettings);

            Assert.Equal(2L, Convert.ToInt64(await StoreSql.ExecuteAsync(fresh, spanClass)));
            Assert.Equal([id], await second.Client.IdsAsync("Observation?date=ge2024-03-05&date=lt2024-03-06"));
            Assert.Equal([id], await second.Client.IdsAsync("Observation?date=2024-03-05T10:30:00Z"));
            Assert.Equal(ScriptCount(fresh), (await AppliedMigrationsAsync(fresh)).Count);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_resource_row_keeps_the_one_patient_it_names_and_migration_8_fills_it_in_for_data_stored_before()
    {
        TestStore fresh = store is PostgresStore ? new PostgresStore() : new SqliteStore();
        await fresh.InitializeAsync();
        try
        {
            static Observation About(params string[] patients) => new()
            {
                Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4"),
                Subject = patients.Length > 0 ? new ResourceReference($"Patient/{patients[0]}") : null,
                Performer = patients.Skip(1).Select(p => new ResourceReference($"Patient/{p}")).ToList(),
            };
            var expected = new Dictionary<(string Type, string Id), string?>();
            using (var first = new RecordServiceHost(fresh.HostSettings))
            {
                var c = first.Client;
                var (a, b) = ((await c.CreateAsync(new Patient { Active = true })).Id, (await c.CreateAsync(new Patient { Active = true })).Id);
                expected[("Patient", a)] = null; // its own patient: the read uses its id
                expected[("Observation", (await c.CreateAsync(About(a))).Id)] = a;
                expected[("Observation", (await c.CreateAsync(About(a, a))).Id)] = a;
                expected[("Observation", (await c.CreateAsync(About(a, b))).Id)] = null;
                expected[("Observation", (await c.CreateAsync(About())).Id)] = null;
                var moved = await c.CreateAsync(About(a));
                moved.Subject = new ResourceReference($"Patient/{b}");
                await c.PutAsync(moved);
                expected[("Observation", moved.Id)] = b;
                var gone = await c.CreateAsync(About(a));
                await FhirHttp.ExpectAsync(await c.DeleteAsync($"Observation/{gone.Id}"), HttpStatusCode.NoContent);
                expected[("Observation", gone.Id)] = null;
            }
            async Task AssertColumnAsync()
            {
                foreach (var ((type, id), patient) in expected)
                    Assert.Equal(patient, await StoreSql.ExecuteAsync(fresh, $"SELECT patient FROM resource WHERE type = '{type}' AND id = '{id}'") as string);
            }
            await AssertColumnAsync();

            // The schema before migration 8: no patient column.
            await StoreSql.ExecuteAsync(fresh, "ALTER TABLE resource DROP COLUMN patient", "DELETE FROM schema_migration WHERE version = 8");
            using var second = new RecordServiceHost(fresh.HostSettings);
            await AssertColumnAsync();
            Assert.Equal(ScriptCount(fresh), (await AppliedMigrationsAsync(fresh)).Count);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_instances_starting_together_on_an_empty_database_both_serve_it()
    {
        TestStore fresh = store is PostgresStore ? new PostgresStore() : new SqliteStore();
        await fresh.InitializeAsync();
        try
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starting = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                await gate.Task;
                return new RecordServiceHost(fresh.HostSettings);
            })).ToArray();
            gate.SetResult();
            var hosts = await Task.WhenAll(starting);
            try
            {
                var created = await hosts[0].Client.CreateAsync(new Patient { Name = [new HumanName { Family = "Hồ" }] });
                var response = await hosts[1].Client.GetAsync($"Patient/{created.Id}");
                await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
                Assert.Equal(ScriptCount(fresh), (await AppliedMigrationsAsync(fresh)).Count);
            }
            finally
            {
                foreach (var host in hosts) host.Dispose();
            }
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }
}

public sealed class SqliteMigrationTests(SqliteStore store) : MigrationTests<SqliteStore>(store);

public sealed class PostgresMigrationTests(PostgresStore store) : MigrationTests<PostgresStore>(store);
