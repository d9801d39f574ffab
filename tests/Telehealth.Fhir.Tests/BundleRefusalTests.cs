using System.Net;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;
using static Telehealth.Fhir.Tests.Infrastructure.BundleHttp;
using static Telehealth.Fhir.Tests.Infrastructure.BundleSamples;

namespace Telehealth.Fhir.Tests;

/// <summary>Bundles with entries that fail: a batch's fail one by one, a transaction's refuse the whole bundle.</summary>
public abstract class BundleRefusalTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private HttpClient Client => store.Host.Client;

    [Fact]
    public async Task A_batch_entry_that_fails_reports_its_own_4xx_and_outcome_while_the_others_are_stored()
    {
        var cccd = NewCccd();
        var mismatched = NewPatient(NewCccd());
        mismatched.Id = "body-id";
        var missing = "missing-" + Guid.NewGuid().ToString("N")[..8];

        var result = await Client.PostBundleAsync(Bundle.BundleType.Batch,
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd)),
            Entry(Bundle.HTTPVerb.PUT, "Patient/url-id", mismatched),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{missing}"),
            Entry(Bundle.HTTPVerb.DELETE, "Bệnhnhân/1"),
            Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate($"Patient/{missing}")));

        Assert.Equal(["201 Created", "400 Bad Request", "404 Not Found", "404 Not Found", "201 Created"], result.Entry.Select(e => e.Response.Status));
        string[] mentions = ["", "body-id", missing, "Bệnhnhân", ""];
        foreach (var i in new[] { 1, 2, 3 })
        {
            var outcome = Assert.IsType<OperationOutcome>(result.Entry[i].Response.Outcome);
            Assert.Contains(mentions[i], outcome.Issue[0].Diagnostics);
        }
        Assert.Equal([result.Entry[0].Resource.Id], await Client.IdsAsync($"Patient?identifier={Cccd}|{cccd}"));
        Assert.Equal([result.Entry[4].Resource.Id], await Client.IdsAsync($"Observation?subject=Patient/{missing}"));
        Assert.Equal("404", await Client.RawAsync("Patient/url-id"));
    }

    [Fact]
    public async Task A_batch_entry_whose_url_the_server_cannot_serve_is_refused_by_itself()
    {
        var patient = await Client.CreateAsync(NewPatient(NewCccd()));
        var cccd = NewCccd();

        var result = await Client.PostBundleAsync(Bundle.BundleType.Batch,
            Entry(Bundle.HTTPVerb.GET, $"Patient/{patient.Id}/_history"),
            Entry(Bundle.HTTPVerb.GET, $"Patient/{patient.Id}/$everything"),
            Entry(Bundle.HTTPVerb.PUT, "Patient", NewPatient(NewCccd())),
            Entry(Bundle.HTTPVerb.POST, $"Patient/{patient.Id}", NewPatient(NewCccd())),
            Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd)));

        Assert.Equal(["400 Bad Request", "400 Bad Request", "400 Bad Request", "400 Bad Request", "201 Created"],
            result.Entry.Select(e => e.Response.Status));
        Assert.All(result.Entry.Take(4), e => Assert.IsType<OperationOutcome>(e.Response.Outcome));
        Assert.Contains("_history", Assert.IsType<OperationOutcome>(result.Entry[0].Response.Outcome).Issue[0].Diagnostics);
        Assert.Equal("1", (await Client.ReadOkAsync<Patient>($"Patient/{patient.Id}")).Meta.VersionId);
        Assert.Equal(1, await Client.CountAsync("Patient", $"identifier={Cccd}|{cccd}"));
    }

    [Fact]
    public async Task A_transaction_with_a_urn_uuid_reference_no_entry_answers_is_refused_and_stores_nothing()
    {
        var before = await Client.LatestChangeAsync();
        var cccd = NewCccd();
        var (patientUrn, danglingUrn) = ($"urn:uuid:{Guid.NewGuid()}", $"urn:uuid:{Guid.NewGuid()}");

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd), patientUrn),
                Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(patientUrn, danglingUrn)),
            ],
        };
        var response = await Client.PostAsync("", FhirHttp.Content(bundle));

        await FhirHttp.ExpectAsync(response, HttpStatusCode.BadRequest);
        var text = await FhirHttp.OutcomeTextAsync(response);
        Assert.Contains("Bundle.entry[1]", text);
        Assert.Contains(danglingUrn, text);
        Assert.Equal(before, await Client.LatestChangeAsync());
        Assert.Equal(0, await Client.CountAsync("Patient", $"identifier={Cccd}|{cccd}"));
    }

    [Fact]
    public async Task A_transaction_is_all_or_nothing_when_a_late_entry_fails()
    {
        var existing = await Client.CreateAsync(NewPatient(NewCccd()));
        existing.Active = true;
        await Client.PutAsync(existing);
        var before = await Client.LatestChangeAsync();
        var cccd = NewCccd();
        var urn = $"urn:uuid:{Guid.NewGuid()}";
        existing.Active = false;

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Entry(Bundle.HTTPVerb.POST, "Patient", NewPatient(cccd), urn),
                Entry(Bundle.HTTPVerb.POST, "Observation", HeartRate(urn)),
                Entry(Bundle.HTTPVerb.DELETE, $"Patient/{existing.Id}"),
                Entry(Bundle.HTTPVerb.PUT, $"Patient/{existing.Id}", existing, ifMatch: "W/\"1\""),
            ],
        };
        var response = await Client.PostAsync("", FhirHttp.Content(bundle));

        await FhirHttp.ExpectAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Contains("Bundle.entry[3]", await FhirHttp.OutcomeTextAsync(response));
        Assert.Equal(before, await Client.LatestChangeAsync());
        Assert.Equal(0, await Client.CountAsync("Patient", $"identifier={Cccd}|{cccd}"));
        var current = await Client.ReadOkAsync<Patient>($"Patient/{existing.Id}");
        Assert.Equal("2", current.Meta.VersionId);
        Assert.True(current.Active);
    }
}

public sealed class SqliteBundleRefusalTests(SqliteStore store) : BundleRefusalTests<SqliteStore>(store);

public sealed class PostgresBundleRefusalTests(PostgresStore store) : BundleRefusalTests<PostgresStore>(store);
