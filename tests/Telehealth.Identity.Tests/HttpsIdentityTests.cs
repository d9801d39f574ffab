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

    /// <summary>Plain HTTP behind a TLS proxy on the loopback address, which ForwardedHeaders:TrustedProxies names.</summary>
    public IdentityServiceHost BehindProxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        var settings = new Dictionary<string, string?>(store.Settings) { ["Identity:RequireHttps"] = "true" };
        Host = new IdentityServiceHost(settings, Authority);
        PlainHttp = new IdentityServiceHost(settings);
        BehindProxy = new IdentityServiceHost(new Dictionary<string, string?>(settings) { ["ForwardedHeaders:TrustedProxies:0"] = "127.0.0.1" });
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        PlainHttp.Dispose();
        BehindProxy.Dispose();
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

    private static HttpRequestMessage ViaTlsProxy(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "dangnhap.telehealth.vn");
        return request;
    }

    private static FormUrlEncodedContent ClientCredentials() => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["scope"] = "system/*.rs",
        ["client_id"] = "demo-system",
        ["client_secret"] = "demo-system-secret",
    });

    [Fact]
    public async Task Behind_a_trusted_tls_proxy_the_service_names_the_public_https_issuer_and_issues_tokens_for_it()
    {
        var proxied = fixture.BehindProxy;
        using var discovery = await proxied.Client.SendAsync(ViaTlsProxy(HttpMethod.Get, ".well-known/openid-configuration"));
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        var document = JsonDocument.Parse(await discovery.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://dangnhap.telehealth.vn/", document.GetProperty("issuer").GetString());
        Assert.Equal("https://dangnhap.telehealth.vn/connect/token", document.GetProperty("token_endpoint").GetString());

        using var token = await proxied.Client.SendAsync(ViaTlsProxy(HttpMethod.Post, "connect/token", ClientCredentials()));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var access = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(access);
        Assert.Equal("https://dangnhap.telehealth.vn/", jwt.Issuer);
    }

    [Fact]
    public async Task A_client_claiming_https_itself_is_not_believed_where_no_proxy_is_trusted()
    {
        using var token = await fixture.PlainHttp.Client.SendAsync(ViaTlsProxy(HttpMethod.Post, "connect/token", ClientCredentials()));
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        var body = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task A_record_service_trusting_the_identity_services_own_authority_takes_its_tokens_and_one_without_it_refuses_them()
    {
        Dictionary<string, string?> Settings(string? trusted) => new()
        {
            ["Fhir:Auth:RequireHttpsMetadata"] = "true",
            ["Fhir:Auth:TrustedCertificateFile"] = trusted,
            ["Demo:Load"] = "false",
        };
        using var trusting = new RecordServiceHost(Host.BaseUrl, Settings(fixture.Authority.AuthorityFile));
        using var untrusting = new RecordServiceHost(Host.BaseUrl, Settings(null));
        var token = (await Oidc.ServiceTokenAsync(Host, "system/*.rs")).AccessToken;

        using var read = await trusting.ClientWith(token).GetAsync("Patient?_summary=count");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        // The machine's roots do not know the authority: the keys cannot be fetched, so no token passes.
        using var refused = await untrusting.ClientWith(token).GetAsync("Patient?_summary=count");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("access token was refused", await refused.Content.ReadAsStringAsync());

        // The authority is for an https identity service; with an http one the service does not start.
        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var plain = new RecordServiceHost(fixture.PlainHttp.BaseUrl, Settings(fixture.Authority.AuthorityFile));
        });
        Assert.Contains("Fhir:Auth:TrustedCertificateFile is for an https Authority", failure.ToString());
    }
}
