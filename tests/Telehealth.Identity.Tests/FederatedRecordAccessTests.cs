using System.Net;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// End to end: a specialist signs in with Chợ Rẫy's own login server, and the record service, trusting only the
/// identity service's keys, lets the platform's token read what a Chợ Rẫy specialist may read.
/// </summary>
public sealed class FederatedRecordAccessTests(SqliteFederationFixture fixture) : IClassFixture<SqliteFederationFixture>, IAsyncLifetime
{
    private const string An = "Patient/bn-083058004217";   // subject of the demo consult addressed to Chợ Rẫy
    private const string Dao = "Patient/bn-083172009386";  // a patient of another station, with no consult there
    private RecordServiceHost? fhir;

    public async Task InitializeAsync()
    {
        fhir = new RecordServiceHost(fixture.Host.BaseUrl);
        await fhir.WaitForDemoNetworkAsync((await Oidc.ServiceTokenAsync(fixture.Host, "system/*.rs")).AccessToken);
    }

    public Task DisposeAsync()
    {
        fhir?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_specialist_signed_in_through_the_hospital_reads_the_patient_of_a_consult_to_that_hospital_only()
    {
        using var browser = fixture.Host.NewBrowser();
        var pkce = Pkce.New();
        var atClient = await HospitalJourney.SignInAsync(browser, fixture.Hospital, FederationFixture<SqliteTestStore>.Key, "cr-000123", pkce);
        var tokens = await HospitalJourney.RedeemAsync(fixture.Host, atClient, pkce);

        var specialist = fhir!.ClientWith(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await specialist.GetAsync(An)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await specialist.GetAsync(Dao)).StatusCode);
    }
}
