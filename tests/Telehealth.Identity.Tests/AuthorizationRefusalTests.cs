using System.Net;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>Authorization requests and code redemptions that must fail, and fail before anyone gets a code or a token.</summary>
public sealed class AuthorizationRefusalTests(SqliteTestStore store) : IClassFixture<SqliteTestStore>
{
    private IdentityServiceHost Host => store.Host;

    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // 43 characters, S256-shaped

    /// <summary>
    /// OpenIddict checks these before the request reaches the sign-in page; it answers the browser itself (400),
    /// never by redirecting to the client, so no code can leak out.
    /// </summary>
    private async Task AssertRefusedAsync(string authorizeUrl, string expectedInDescription)
    {
        using var browser = Host.NewBrowser();
        var response = await browser.GetAsync(authorizeUrl);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("error:invalid_request", body);
        Assert.Contains(expectedInDescription, body);
    }

    [Fact]
    public Task A_request_without_PKCE_is_refused() =>
        AssertRefusedAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s", new Dictionary<string, string?>()),
            "'code_challenge' parameter is missing");

    [Fact]
    public Task A_plain_PKCE_challenge_is_refused() =>
        AssertRefusedAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s", new Dictionary<string, string?>
        {
            ["code_challenge"] = Challenge,
            ["code_challenge_method"] = "plain",
        }), "'code_challenge_method' is not supported");

    [Fact]
    public Task A_challenge_without_its_method_is_refused_rather_than_taken_as_plain() =>
        AssertRefusedAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s", new Dictionary<string, string?>
        {
            ["code_challenge"] = Challenge,
        }), "code_challenge_method");

    [Theory]
    [InlineData("http://127.0.0.1:5090/callback/")]        // a trailing slash
    [InlineData("http://127.0.0.1:5090/callback/evil")]    // a longer path under the registered one
    [InlineData("http://127.0.0.1:5090/callback?next=x")]  // an added query
    [InlineData("http://localhost:5090/callback")]         // the same machine by another name
    [InlineData("http://127.0.0.1:5080/signin-oidc")]      // another client's redirect URI
    public Task A_redirect_URI_that_is_not_exactly_a_registered_one_is_refused(string redirectUri) =>
        AssertRefusedAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, redirectUri, "openid", "s", Pkce.New()), "'redirect_uri' is not valid");

    [Fact]
    public async Task A_code_is_redeemed_once_only()
    {
        var (code, pkce) = await SignInForCodeAsync();

        var first = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, code, pkce.Verifier);
        Assert.False(string.IsNullOrEmpty(first.AccessToken));

        var second = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, code, pkce.Verifier);
        Assert.Equal("invalid_grant", second.Error);
        Assert.Null(second["access_token"]);
    }

    [Fact]
    public async Task Replaying_a_code_also_revokes_the_tokens_it_gave()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, "openid offline_access user/*.rs", "s", pkce), "bs.xa");
        var redeem = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["redirect_uri"] = Oidc.WebRedirect,
            ["code"] = Oidc.Query(callback)["code"],
            ["code_verifier"] = pkce.Verifier,
        };
        var first = await Oidc.TokenAsync(Host.Client, redeem, Oidc.WebClient, Oidc.WebSecret);

        var second = await Oidc.TokenAsync(Host.Client, redeem, Oidc.WebClient, Oidc.WebSecret);

        Assert.Equal("invalid_grant", second.Error);
        // A replayed code may have been stolen: whatever the first redemption gave is no longer good either.
        var refreshed = await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, first.RefreshToken);
        Assert.Equal("invalid_grant", refreshed.Error);
    }

    [Fact]
    public async Task Prompt_none_without_a_session_answers_login_required_to_the_client()
    {
        using var browser = Host.NewBrowser();
        var url = Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s", Pkce.New()) + "&prompt=none";

        var target = browser.RedirectTarget(await browser.GetAsync(url));

        Assert.Equal(Oidc.SmartRedirect, target.GetLeftPart(UriPartial.Path));
        var query = Oidc.Query(target);
        Assert.Equal("login_required", query["error"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task A_code_with_the_wrong_verifier_is_refused()
    {
        var (code, _) = await SignInForCodeAsync();

        var response = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, code, Pkce.New().Verifier);
        Assert.Equal("invalid_grant", response.Error);
        Assert.Null(response["access_token"]);
    }

    [Fact]
    public async Task A_code_without_its_verifier_is_refused()
    {
        var (code, _) = await SignInForCodeAsync();

        var response = await Oidc.TokenAsync(Host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = Oidc.SmartClient,
            ["redirect_uri"] = Oidc.SmartRedirect,
            ["code"] = code,
        });
        Assert.Equal("invalid_request", response.Error);
        Assert.Null(response["access_token"]);
    }

    private async Task<(string Code, Pkce Pkce)> SignInForCodeAsync()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid user/*.rs", "s", pkce), "bs.xa");
        return (Oidc.Query(callback)["code"], pkce);
    }
}
