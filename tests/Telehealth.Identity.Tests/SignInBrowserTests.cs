using Microsoft.Playwright;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// The sign-in page in a real browser (Debian's Chromium, driven by Playwright; never a downloaded one): Vietnamese
/// first, English on the switch, a refused password said in the page's language, and a successful sign-in that ends
/// back at the app with a code.
/// </summary>
public sealed class SignInBrowserTests(SqliteTestStore store, ChromiumBrowser chromium) : IClassFixture<SqliteTestStore>, IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task The_sign_in_page_speaks_Vietnamese_first_and_English_on_the_switch()
    {
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(store.Host.BaseUrl + "/account/login");
        Assert.Equal("vi", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Đăng nhập", await page.InnerTextAsync("h1"));
        Assert.Equal("Tên đăng nhập", await page.InnerTextAsync("label[for=UserName]"));

        await page.FillAsync("#UserName", "bs.xa");
        await page.FillAsync("#Password", "not-the-password");
        await page.ClickAsync("button[type=submit]");
        Assert.Equal("Tên đăng nhập hoặc mật khẩu không đúng.", await page.InnerTextAsync("#sign-in-error"));

        await page.ClickAsync("#language-switch");
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Sign in", await page.InnerTextAsync("h1"));
        Assert.Equal("Password", await page.InnerTextAsync("label[for=Password]"));
        await page.FillAsync("#UserName", "bs.xa");
        await page.FillAsync("#Password", "still-not-it");
        await page.ClickAsync("button[type=submit]");
        Assert.Equal("The user name or password is incorrect.", await page.InnerTextAsync("#sign-in-error"));

        // The choice is remembered: the next visit opens in English.
        await page.GotoAsync(store.Host.BaseUrl + "/account/login");
        Assert.Equal("Sign in", await page.InnerTextAsync("h1"));
    }

    [Fact]
    public async Task Signing_in_in_the_browser_returns_to_the_app_with_an_authorization_code()
    {
        var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        // The SMART demo app is not running here: answer its callback in the browser and keep the URL it was sent to.
        string? callback = null;
        await context.RouteAsync(Oidc.SmartRedirect + "**", async route =>
        {
            callback = route.Request.Url;
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<h1>SMART demo app</h1>" });
        });
        var pkce = Pkce.New();
        await page.GotoAsync(store.Host.BaseUrl + "/" + Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid fhirUser user/*.rs", "xyz", pkce));
        Assert.Equal("Đăng nhập", await page.InnerTextAsync("h1"));
        await page.FillAsync("#UserName", "bs.xa");
        await page.FillAsync("#Password", Oidc.DemoPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("text=SMART demo app");

        Assert.NotNull(callback);
        var query = Oidc.Query(new Uri(callback!));
        Assert.Equal("xyz", query["state"]);
        var tokens = await Oidc.RedeemCodeAsync(store.Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, query["code"], pkce.Verifier);
        var access = await Oidc.ValidateAsync(store.Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal("Practitioner/bs-tran-van-phuoc", access.GetClaim("fhirUser").Value);
    }
}
