using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>A PKCE pair: the verifier the client keeps, the S256 challenge it sends.</summary>
public sealed record Pkce(string Verifier, string Challenge)
{
    public static Pkce New()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return new(verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }
}

/// <summary>The client's side of the protocol, written out by hand so each test sees every parameter it sends.</summary>
public static class Oidc
{
    public const string DemoPassword = "Telehealth@2026";
    public const string SmartClient = "smart-demo";
    public const string SmartRedirect = "http://127.0.0.1:5090/callback";
    public const string WebClient = "telehealth-web";
    public const string WebSecret = "telehealth-web-secret";
    public const string WebRedirect = "http://127.0.0.1:5080/signin-oidc";

    public static string AuthorizeUrl(string clientId, string redirectUri, string scope, string state, IDictionary<string, string?> extra)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = state,
        };
        foreach (var (key, value) in extra) query[key] = value;
        return QueryHelpers.AddQueryString("connect/authorize", query);
    }

    public static string AuthorizeUrl(string clientId, string redirectUri, string scope, string state, Pkce pkce) =>
        AuthorizeUrl(clientId, redirectUri, scope, state, new Dictionary<string, string?>
        {
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>
    /// Drives a browser through the authorization request, the sign-in page and back, and returns the redirect to the
    /// client (carrying code, state and iss, or an error).
    /// </summary>
    public static async Task<Uri> SignInThroughAsync(Browser browser, string authorizeUrl, string userName, string password = DemoPassword)
    {
        var toLogin = browser.RedirectTarget(await browser.GetAsync(authorizeUrl));
        Assert.StartsWith("/account/login", toLogin.AbsolutePath, StringComparison.OrdinalIgnoreCase);

        var signedIn = await browser.SignInAsync(toLogin, userName, password);
        var back = browser.RedirectTarget(signedIn);
        Assert.Equal("/connect/authorize", back.AbsolutePath);

        return browser.RedirectTarget(await browser.GetAsync(back));
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>A token request; a client secret goes in the Authorization header (client_secret_basic).</summary>
    public static async Task<TokenResponse> TokenAsync(HttpClient client, IDictionary<string, string> form, string? clientId = null, string? secret = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/token") { Content = new FormUrlEncodedContent(form) };
        if (clientId is not null && secret is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        using var response = await client.SendAsync(request);
        return new TokenResponse(response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public static Task<TokenResponse> RedeemCodeAsync(HttpClient client, string clientId, string redirectUri, string code, string verifier) =>
        TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["code"] = code,
            ["code_verifier"] = verifier,
        });

    /// <summary>A token for the demo-system client (client credentials) with these scopes.</summary>
    public static Task<TokenResponse> ServiceTokenAsync(IdentityServiceHost host, string scope) =>
        TokenAsync(host.Client, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope },
            "demo-system", "demo-system-secret");

    /// <summary>The access token the web app gets for <paramref name="userName"/>: code flow with PKCE, then the code redeemed with its secret.</summary>
    public static async Task<string> WebAppTokenAsync(IdentityServiceHost host, string userName, string scope)
    {
        var pkce = Pkce.New();
        var callback = await SignInThroughAsync(host.NewBrowser(), AuthorizeUrl(WebClient, WebRedirect, scope, "web", pkce), userName);
        var tokens = await TokenAsync(host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["redirect_uri"] = WebRedirect,
            ["code"] = Query(callback)["code"],
            ["code_verifier"] = pkce.Verifier,
        }, WebClient, WebSecret);
        return tokens.AccessToken;
    }

    public static Task<TokenResponse> RefreshAsync(HttpClient client, string clientId, string secret, string refreshToken) =>
        TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        }, clientId, secret);

    /// <summary>Validates a JWT as a resource server would: signature against the published JWKS, issuer, audience, lifetime.</summary>
    public static async Task<JsonWebToken> ValidateAsync(IdentityServiceHost host, string token, string audience, string? issuer = null)
    {
        var jwks = new JsonWebKeySet(await host.Client.GetStringAsync(".well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidIssuer = issuer ?? host.Issuer,
            ValidAudience = audience,
            ValidateLifetime = true,
        });
        Assert.True(result.IsValid, $"token did not validate: {result.Exception?.Message}");
        return (JsonWebToken)result.SecurityToken;
    }

    public static IReadOnlyList<string> Values(JsonWebToken token, string claim) =>
        token.Claims.Where(c => c.Type == claim).Select(c => c.Value).ToList();
}

/// <summary>What the token endpoint answered: the status and the JSON body.</summary>
public sealed record TokenResponse(HttpStatusCode Status, JsonElement Body)
{
    public string? this[string name] => Body.TryGetProperty(name, out var value) ? value.ToString() : null;

    public string AccessToken => Ok("access_token");

    public string IdToken => Ok("id_token");

    public string RefreshToken => Ok("refresh_token");

    public string Error => this["error"] ?? throw new Xunit.Sdk.XunitException($"expected an error, got {Status}: {Body}");

    private string Ok(string name)
    {
        Assert.True(Status == HttpStatusCode.OK, $"token endpoint answered {(int)Status}: {Body}");
        return this[name] ?? throw new Xunit.Sdk.XunitException($"no {name} in {Body}");
    }
}
