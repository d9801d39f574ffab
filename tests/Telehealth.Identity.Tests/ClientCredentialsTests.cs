using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>A service calling the record service for itself: client credentials, introspection, revocation; on both stores.</summary>
public abstract class ClientCredentialsTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private const string System = "demo-system";
    private const string SystemSecret = "demo-system-secret";

    private IdentityServiceHost Host => store.Host;

    private Task<TokenResponse> RequestAsync(string scope, string secret = SystemSecret) =>
        Oidc.TokenAsync(Host.Client, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }, System, secret);

    [Fact]
    public async Task Demo_system_gets_a_signed_JWT_for_the_record_service_that_validates_against_the_JWKS()
    {
        var response = await RequestAsync("system/*.cruds");

        var token = await Oidc.ValidateAsync(Host, response.AccessToken, audience: "telehealth-fhir");
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal("RS256", token.Alg);
        Assert.Equal(System, token.Subject);
        Assert.Equal(["telehealth-fhir"], token.Audiences);
        Assert.Equal("system/*.cruds", token.GetClaim("scope").Value);
        Assert.Equal("Bearer", response["token_type"]);
        Assert.Null(response["refresh_token"]);
    }

    [Fact]
    public async Task A_service_token_gets_no_userinfo_because_no_person_is_behind_it()
    {
        var accessToken = (await RequestAsync("system/*.rs")).AccessToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, "connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused()
    {
        var response = await RequestAsync("system/*.cruds", secret: "not-the-secret");

        Assert.Equal("invalid_client", response.Error);
        Assert.Null(response["access_token"]);
    }

    [Fact]
    public async Task A_scope_the_client_was_not_given_is_refused()
    {
        var response = await RequestAsync("user/*.cruds");

        // OpenIddict answers a scope outside the client's permissions with invalid_request (ID2051), not invalid_scope.
        Assert.Equal("invalid_request", response.Error);
        Assert.Contains("scope", response["error_description"]);
        Assert.Null(response["access_token"]);
    }

    [Fact]
    public async Task Introspection_says_active_until_the_token_is_revoked()
    {
        var accessToken = (await RequestAsync("system/*.rs")).AccessToken;

        var before = await IntrospectAsync(accessToken);
        Assert.True(before.GetProperty("active").GetBoolean());
        Assert.Equal(System, before.GetProperty("sub").GetString());
        Assert.Equal(System, before.GetProperty("client_id").GetString());
        Assert.Equal("telehealth-fhir", before.GetProperty("aud").GetString());

        var revoke = await PostAsync("connect/revoke", accessToken);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var after = await IntrospectAsync(accessToken);
        Assert.False(after.GetProperty("active").GetBoolean());
    }

    private async Task<JsonElement> IntrospectAsync(string token)
    {
        var response = await PostAsync("connect/introspect", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private Task<HttpResponseMessage> PostAsync(string endpoint, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{System}:{SystemSecret}")));
        return Host.Client.SendAsync(request);
    }
}

public sealed class SqliteClientCredentialsTests(SqliteTestStore store) : ClientCredentialsTests<SqliteTestStore>(store);

public sealed class PostgresClientCredentialsTests(PostgresTestStore store) : ClientCredentialsTests<PostgresTestStore>(store);

/// <summary>Without Demo:Load nothing of the demo exists: no clients, so no tokens.</summary>
public sealed class BareDeploymentTests(BareSqliteStore store) : IClassFixture<BareSqliteStore>
{
    [Fact]
    public async Task Without_demo_mode_the_demo_client_does_not_exist()
    {
        // No scope asked: the demo scopes do not exist either, and that would be refused first.
        var response = await Oidc.TokenAsync(store.Host.Client,
            new Dictionary<string, string> { ["grant_type"] = "client_credentials" }, "demo-system", "demo-system-secret");

        Assert.Equal("invalid_client", response.Error);
    }
}
