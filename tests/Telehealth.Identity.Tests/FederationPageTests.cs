using System.Net;
using Microsoft.Extensions.Configuration;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>The sign-in page offers one button per configured hospital, in both languages.</summary>
public sealed class FederationPageTests(SqliteFederationFixture fixture) : IClassFixture<SqliteFederationFixture>
{
    private const string LoginPage = "account/login?ReturnUrl=%2Fconnect%2Fauthorize";

    [Fact]
    public async Task The_sign_in_page_offers_each_configured_hospital_in_Vietnamese_and_English()
    {
        using var browser = fixture.Host.NewBrowser();

        var vietnamese = (await browser.OpenAsync(LoginPage)).Html;
        Assert.Contains("Đăng nhập bằng tài khoản Bệnh viện Chợ Rẫy", vietnamese);
        Assert.Contains("Đăng nhập bằng tài khoản Bệnh viện Nguyễn Đình Chiểu", vietnamese);
        Assert.Contains("Đăng nhập bằng tài khoản Bệnh viện Giả Mạo", vietnamese);
        Assert.Equal(3, CountOf("name=\"hospital\"", vietnamese));

        var english = (await browser.OpenAsync(LoginPage + "&lang=en")).Html;
        Assert.Contains("Sign in with your Chợ Rẫy hospital account", english);
        Assert.Contains("Sign in with your Nguyễn Đình Chiểu hospital account", english);
    }

    [Fact]
    public async Task A_hospital_key_that_is_not_configured_is_not_found()
    {
        using var browser = fixture.Host.NewBrowser();
        var page = await browser.OpenAsync(LoginPage);

        var response = await browser.SubmitAsync(page, $"value=\"{FederationFixture<SqliteTestStore>.Key}\"",
            new Dictionary<string, string> { ["hospital"] = "bv-khong-co" });

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    private static int CountOf(string text, string html) => (html.Length - html.Replace(text, "").Length) / text.Length;
}

/// <summary>Without any hospital configured: no buttons, and <c>idp</c> leads to the ordinary sign-in page.</summary>
public sealed class NoFederationPageTests(SqliteTestStore store) : IClassFixture<SqliteTestStore>
{
    [Fact]
    public async Task Without_hospitals_the_sign_in_page_offers_none_and_idp_is_ignored()
    {
        using var browser = store.Host.NewBrowser();

        var page = await browser.OpenAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s", Pkce.New()) + "&idp=bv-cho-ray");

        Assert.Equal("/account/login", page.Url.AbsolutePath, ignoreCase: true);
        Assert.Contains("<h1>Đăng nhập</h1>", page.Html);
        Assert.DoesNotContain("hospital-sign-in", page.Html);
        Assert.DoesNotContain("tài khoản Bệnh viện", page.Html);
    }
}

/// <summary>A hospital is configuration only; a mistake in it stops the service at start-up, not a person at sign-in.</summary>
public sealed class HospitalConfigurationTests
{
    private static readonly Dictionary<string, string?> ChoRay = new()
    {
        ["Identity:Federation:Hospitals:bv-cho-ray:Issuer"] = "https://login.choray.vn/",
        ["Identity:Federation:Hospitals:bv-cho-ray:ClientId"] = "telehealth",
        ["Identity:Federation:Hospitals:bv-cho-ray:ClientSecret"] = "secret",
        ["Identity:Federation:Hospitals:bv-cho-ray:DisplayName"] = "Chợ Rẫy",
        ["Identity:Federation:Hospitals:bv-cho-ray:Organization"] = "Organization/bv-cho-ray",
        ["Identity:Federation:Hospitals:bv-cho-ray:Roles:BacSi"] = "specialist",
    };

    private static HospitalDirectory Read(Dictionary<string, string?> settings, bool requireHttps = true) =>
        HospitalDirectory.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), requireHttps);

    private static Dictionary<string, string?> ChoRayWith(string key, string? value) => new(ChoRay) { [$"Identity:Federation:Hospitals:bv-cho-ray:{key}"] = value };

    [Fact]
    public void A_hospital_takes_the_documented_defaults()
    {
        var hospital = Assert.Single(Read(ChoRay).All);

        Assert.Equal(("bv-cho-ray", "licence", "groups", null), (hospital.Key, hospital.LicenceClaim, hospital.GroupsClaim, hospital.EmailClaim));
        Assert.Equal(["openid", "profile"], hospital.Scopes);
        Assert.Equal("account/hospital/bv-cho-ray/callback", hospital.CallbackPath);
        Assert.Equal(["specialist"], hospital.RolesFor(["BacSi", "specialist", "platform_admin"]));
    }

    [Theory]
    [InlineData("Roles:Admins", "platform_admin")]       // a hospital never grants platform-wide administration
    [InlineData("Roles:BacSi", "doctor")]                // not a platform role
    [InlineData("Organization", "bv-cho-ray")]           // not a reference
    [InlineData("Issuer", "http://login.choray.vn/")]    // plain HTTP while HTTPS is required
    [InlineData("ClientId", "")]
    public void A_mistake_in_a_hospitals_configuration_stops_the_service(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(ChoRayWith(key, value)));
        Assert.StartsWith("Identity:Federation:Hospitals:bv-cho-ray:", error.Message);
    }

    [Fact]
    public void Plain_HTTP_is_accepted_only_where_HTTPS_is_not_required()
    {
        Assert.Equal("http", Read(ChoRayWith("Issuer", "http://127.0.0.1:5099/"), requireHttps: false).All[0].Issuer.Scheme);
    }
}
