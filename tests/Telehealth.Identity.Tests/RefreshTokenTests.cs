using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>Refresh tokens rotate: each use gives a new one, and replaying a spent one revokes the whole chain.</summary>
public sealed class RefreshTokenTests(SqliteTestStore store) : IClassFixture<SqliteTestStore>
{
    private IdentityServiceHost Host => store.Host;

    [Fact]
    public async Task Each_refresh_gives_a_new_refresh_token_and_fresh_claims()
    {
        var first = await SignInAsync();

        var second = await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, first.RefreshToken);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        var access = await Oidc.ValidateAsync(Host, second.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(["coordinator"], Oidc.Values(access, "role"));
        var third = await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, second.RefreshToken);
        Assert.NotEqual(second.RefreshToken, third.RefreshToken);
    }

    [Fact]
    public async Task Replaying_a_spent_refresh_token_fails_and_revokes_the_one_that_replaced_it()
    {
        var first = await SignInAsync();
        var second = await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, first.RefreshToken);
        Assert.True(await IsActiveAsync(second.AccessToken));

        var replay = await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, first.RefreshToken);
        Assert.Equal("invalid_grant", replay.Error);
        Assert.Null(replay["access_token"]);

        // Whoever replayed it may have stolen it: the rotated token and what it issued are revoked too.
        var rotated = await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, second.RefreshToken);
        Assert.Equal("invalid_grant", rotated.Error);
        Assert.False(await IsActiveAsync(second.AccessToken));
        Assert.False(await IsActiveAsync(second.RefreshToken));
    }

    private async Task<TokenResponse> SignInAsync()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, "openid offline_access user/*.rs", "s", pkce), "dieuphoi");
        return await Oidc.TokenAsync(Host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["redirect_uri"] = Oidc.WebRedirect,
            ["code"] = Oidc.Query(callback)["code"],
            ["code_verifier"] = pkce.Verifier,
        }, Oidc.WebClient, Oidc.WebSecret);
    }

    private async Task<bool> IsActiveAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/introspect")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Oidc.WebClient}:{Oidc.WebSecret}")));
        using var response = await Host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("active").GetBoolean();
    }
}
