using System.Net;
using System.Text.Json;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// The identity service as deployed: <c>Identity:RequireHttps=true</c>, serving HTTPS with a certificate from an
/// authority made for the run, and the same settings behind a plain HTTP listener (a proxy that forgot TLS).
/// </summary>
public sealed class HttpsIdentityFixture : IAsyncLifetime
{
    private readonly SqliteTestStore store = new();

    public TestAuthority Authority { get; } = new("Telehealth identity");

    /// <summary>HTTPS with the authority's server certificate.</summary>
    public IdentityServiceHost Host { get; private set; } = null!;

    /// <summary>The same settings and database, reached over plain HTTP.</summary>
    public IdentityServiceHost PlainHttp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        var settings = new Dictionary<string, string?>(store.Settings) { ["Identity:RequireHttps"] = "true" };
        Host = new IdentityServiceHost(settings, Authority);
        PlainHttp = new IdentityServiceHost(settings);
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        PlainHttp.Dispose();
        await store.DisposeAsync();
        Authority.Dispose();
    }
}

public sealed class HttpsIdentityTests(HttpsIdentityFixture fixture) : IClassFixture<HttpsIdentityFixture>
{
    private IdentityServiceHost Host => fixture.Host;

    [Fact]
    public async Task Discovery_over_https_names_an_https_issuer_and_https_endpoints_only()
    {
        Assert.StartsWith("https://", Host.BaseUrl, StringComparison.Ordinal);
        var discovery = JsonDocument.Parse(await Host.Client.GetStringAsync(".well-known/openid-configuration")).RootElement;
        Assert.Equal(Host.BaseUrl + "/", discovery.GetProperty("issuer").GetString());
        var endpoints = discovery.EnumerateObject().Where(p => p.Name.EndsWith("_endpoint", StringComparison.Ordinal) || p.Name == "jwks_uri")
            .Select(p => p.Value.GetString()!).ToList();
        Assert.Contains(Host.BaseUrl + "/connect/token", endpoints);
        Assert.Contains(Host.BaseUrl + "/connect/authorize", endpoints);
        Assert.All(endpoints, url => Assert.StartsWith(Host.BaseUrl + "/", url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_service_gets_a_token_over_https_that_names_the_https_issuer()
    {
        var tokens = await Oidc.ServiceTokenAsync(Host, "system/*.rs");
        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(Host.BaseUrl + "/", access.Issuer);
        Assert.Equal("demo-system", access.GetClaim("client_id").Value);
    }

    [Fact]
    public async Task A_person_signs_in_over_https_with_PKCE_and_every_cookie_set_is_secure_and_http_only()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var toLogin = browser.RedirectTarget(await browser.GetAsync(
            Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid fhirUser user/*.rs", "s1", pkce)));
        Assert.Equal(Uri.UriSchemeHttps, toLogin.Scheme);
        var signedIn = await browser.SignInAsync(toLogin, "bs.xa", Oidc.DemoPassword);
        var cookies = signedIn.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie =>
        {
            Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        });

        var callback = browser.RedirectTarget(await browser.GetAsync(browser.RedirectTarget(signedIn)));
        var query = Oidc.Query(callback);
        Assert.Equal(Host.BaseUrl + "/", query["iss"]);
        var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, query["code"], pkce.Verifier);
        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal("Practitioner/bs-tran-van-phuoc", access.GetClaim("fhirUser").Value);
    }

    [Fact]
    public async Task Over_plain_http_the_token_and_authorization_endpoints_refuse_and_say_https_is_required()
    {
        var plain = fixture.PlainHttp;
        Assert.StartsWith("http://", plain.BaseUrl, StringComparison.Ordinal);
        var refused = await Oidc.ServiceTokenAsync(plain, "system/*.rs");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("invalid_request", refused.Error);
        Assert.Contains("HTTPS", refused["error_description"], StringComparison.OrdinalIgnoreCase);
        Assert.Null(refused["access_token"]);

        using var browser = plain.NewBrowser();
        var authorize = await browser.GetAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s2", Pkce.New()));
        Assert.Equal(HttpStatusCode.BadRequest, authorize.StatusCode);
        Assert.Contains("HTTPS", await authorize.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
