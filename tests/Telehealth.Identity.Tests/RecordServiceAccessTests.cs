using System.Net;
using System.Text.Json;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// Tokens from the real identity service, checked by the real record service against the keys it publishes: who
/// signs in decides which patients they see. The demo network is loaded by the record service's demo loader with a
/// client-credentials token, as in ./run.sh.
/// </summary>
public sealed class RecordServiceAccessTests(SqliteTestStore store) : IClassFixture<SqliteTestStore>, IAsyncLifetime
{
    private const string An = "Patient/bn-083058004217";   // Phú Túc, subject of the demo consult to Chợ Rẫy
    private const string Dao = "Patient/bn-083172009386";  // Tân Xuân
    private RecordServiceHost? fhir;

    private RecordServiceHost Fhir => fhir!;

    public async Task InitializeAsync()
    {
        fhir = new RecordServiceHost(store.Host.BaseUrl);
        await Fhir.WaitForDemoNetworkAsync(await ServiceTokenAsync("system/*.rs"));
    }

    public Task DisposeAsync()
    {
        fhir?.Dispose();
        return Task.CompletedTask;
    }

    private async Task<string> ServiceTokenAsync(string scope) => (await Oidc.ServiceTokenAsync(store.Host, scope)).AccessToken;

    private async Task<HttpClient> SignedInAsync(string user, string scope)
    {
        var pkce = Pkce.New();
        var callback = await Oidc.SignInThroughAsync(store.Host.NewBrowser(),
            Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, scope, "s1", pkce), user);
        var code = Oidc.Query(callback)["code"];
        var tokens = await Oidc.RedeemCodeAsync(store.Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, code, pkce.Verifier);
        return Fhir.ClientWith(tokens.AccessToken);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url) => (await client.GetAsync(url)).StatusCode;

    [Fact]
    public async Task A_commune_doctor_signed_in_at_the_identity_service_reads_their_stations_patient_and_not_another()
    {
        var doctor = await SignedInAsync("bs.xa", "openid fhirUser user/*.rs");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(doctor, An));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(doctor, Dao));
        var patients = JsonDocument.Parse(await doctor.GetStringAsync("Patient?_total=accurate")).RootElement;
        Assert.Equal(7, patients.GetProperty("total").GetInt32()); // the seven patients of Phú Túc
    }

    [Fact]
    public async Task A_specialist_reads_the_patient_of_a_consult_addressed_to_their_hospital_only()
    {
        var specialist = await SignedInAsync("bs.chuyenkhoa", "openid fhirUser user/*.rs");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(specialist, An));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(specialist, Dao));
    }

    [Fact]
    public async Task A_patient_reads_their_own_record_and_not_another_patients()
    {
        var patient = await SignedInAsync("benhnhan", "openid fhirUser patient/*.rs");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(patient, An));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(patient, Dao));
    }

    [Fact]
    public async Task A_service_token_reads_everything_and_a_token_for_the_scheduling_core_is_refused()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Fhir.ClientWith(await ServiceTokenAsync("system/*.rs")), Dao));
        var web = await Oidc.ServiceTokenAsync(store.Host, "system/*.rs");
        Assert.Equal(HttpStatusCode.OK, web.Status);
        // A person's token that names only the scheduling core as its audience.
        var api = await Oidc.WebAppTokenAsync(store.Host, "bs.xa", "openid api");
        var refused = await Fhir.ClientWith(api).GetAsync(An);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("audience", await refused.Content.ReadAsStringAsync());
    }
}
