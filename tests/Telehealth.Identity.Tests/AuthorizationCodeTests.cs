using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Telehealth.Identity.Storage;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>A person signs in through the sign-in page and the client redeems the code with its PKCE verifier; on both stores.</summary>
public abstract class AuthorizationCodeTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private IdentityServiceHost Host => store.Host;

    private async Task<string> UserIdAsync(string userName)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>().FindByNameAsync(userName);
        return user!.Id;
    }

    [Fact]
    public async Task A_commune_doctor_signs_in_with_PKCE_and_the_tokens_say_who_and_where_they_are()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var state = Guid.NewGuid().ToString("N");

        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid profile fhirUser user/*.rs", state, pkce), "bs.xa");

        Assert.Equal(Oidc.SmartRedirect, callback.GetLeftPart(UriPartial.Path));
        var query = Oidc.Query(callback);
        Assert.Equal(state, query["state"]);
        Assert.Equal(Host.Issuer, query["iss"]); // RFC 9207: the client can tell which server answered
        var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, query["code"], pkce.Verifier);

        var subject = await UserIdAsync("bs.xa");
        var id = await Oidc.ValidateAsync(Host, tokens.IdToken, audience: Oidc.SmartClient);
        Assert.Equal(subject, id.Subject);
        Assert.Equal(["commune_doctor"], Oidc.Values(id, "role"));
        Assert.Equal("Practitioner/bs-tran-van-phuoc", id.GetClaim("fhirUser").Value);
        Assert.Equal("Organization/tyt-phu-tuc", id.GetClaim("organization").Value);
        Assert.Equal("BS. Trần Văn Phước", id.GetClaim("name").Value);

        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(subject, access.Subject);
        Assert.Equal(["commune_doctor"], Oidc.Values(access, "role"));
        Assert.Equal("Practitioner/bs-tran-van-phuoc", access.GetClaim("fhirUser").Value);
        Assert.Equal("Organization/tyt-phu-tuc", access.GetClaim("organization").Value);
        Assert.Equal(["fhirUser", "openid", "profile", "user/*.rs"], access.GetClaim("scope").Value.Split(' ').Order());
        Assert.Null(tokens["refresh_token"]); // no offline_access asked

        using var userInfoRequest = new HttpRequestMessage(HttpMethod.Get, "connect/userinfo");
        userInfoRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        using var userInfo = await Host.Client.SendAsync(userInfoRequest);
        Assert.Equal(HttpStatusCode.OK, userInfo.StatusCode);
        var info = JsonDocument.Parse(await userInfo.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(subject, info.GetProperty("sub").GetString());
        Assert.Equal("Practitioner/bs-tran-van-phuoc", info.GetProperty("fhirUser").GetString());
        Assert.Equal("Organization/tyt-phu-tuc", info.GetProperty("organization").GetString());
        Assert.Equal("commune_doctor", Assert.Single(info.GetProperty("role").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task The_web_app_asking_for_FHIR_and_api_scopes_gets_a_token_for_both_resource_servers()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();

        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, "openid profile offline_access user/*.cruds api", "s", pkce), "bs.chuyenkhoa");
        var tokens = await Oidc.TokenAsync(Host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["redirect_uri"] = Oidc.WebRedirect,
            ["code"] = Oidc.Query(callback)["code"],
            ["code_verifier"] = pkce.Verifier,
        }, Oidc.WebClient, Oidc.WebSecret);

        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-api");
        Assert.Equal(["telehealth-api", "telehealth-fhir"], access.Audiences.Order());
        Assert.Equal(["specialist"], Oidc.Values(access, "role"));
        Assert.Contains("api", access.GetClaim("scope").Value.Split(' '));
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
    }

    [Fact]
    public async Task A_patient_account_carries_its_Patient_reference()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();

        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid fhirUser patient/*.rs", "s", pkce), "benhnhan");
        var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, Oidc.Query(callback)["code"], pkce.Verifier);

        var id = await Oidc.ValidateAsync(Host, tokens.IdToken, audience: Oidc.SmartClient);
        Assert.Equal("Patient/bn-083058004217", id.GetClaim("fhirUser").Value);
        Assert.Equal(["patient"], Oidc.Values(id, "role"));
    }
}

public sealed class SqliteAuthorizationCodeTests(SqliteTestStore store) : AuthorizationCodeTests<SqliteTestStore>(store);

public sealed class PostgresAuthorizationCodeTests(PostgresTestStore store) : AuthorizationCodeTests<PostgresTestStore>(store);
