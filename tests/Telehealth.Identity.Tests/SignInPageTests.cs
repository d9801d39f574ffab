using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Telehealth.Identity.Storage;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>The sign-in page: Vietnamese first, English on request, lockout after five wrong passwords, sign-out.</summary>
public sealed class SignInPageTests(SqliteTestStore store) : IClassFixture<SqliteTestStore>
{
    private IdentityServiceHost Host => store.Host;

    private static string LoginPage(string? lang = null) =>
        "account/login?ReturnUrl=%2Fconnect%2Fauthorize" + (lang is null ? "" : "&lang=" + lang);

    [Fact]
    public async Task The_page_is_in_Vietnamese_and_switches_to_English_and_remembers_it()
    {
        using var browser = Host.NewBrowser();

        var vietnamese = await (await browser.GetAsync(LoginPage())).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"vi\">", vietnamese);
        Assert.Contains("<h1>Đăng nhập</h1>", vietnamese);
        Assert.Contains("Mật khẩu", vietnamese);

        var english = await (await browser.GetAsync(LoginPage("en"))).Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sign in</h1>", english);
        Assert.Contains("Password", english);

        // The choice sticks (cookie) until switched back.
        var again = await (await browser.GetAsync(LoginPage())).Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sign in</h1>", again);
        var back = await (await browser.GetAsync(LoginPage("vi"))).Content.ReadAsStringAsync();
        Assert.Contains("<h1>Đăng nhập</h1>", back);
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_signs_no_one_in()
    {
        using var browser = Host.NewBrowser();

        var response = await browser.SignInAsync(new Uri(Host.BaseUrl + "/" + LoginPage()), "bs.xa", "Sai-mat-khau-2026");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Tên đăng nhập hoặc mật khẩu không đúng.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        const string password = "Dung-Mat-Khau-2026";
        var userName = await CreateAccountAsync(password);
        using var browser = Host.NewBrowser();
        var page = new Uri(Host.BaseUrl + "/" + LoginPage("en"));

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await browser.SignInAsync(page, userName, "Wrong-Password-" + attempt);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await browser.SignInAsync(page, userName, password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode); // the page again, not a redirect onwards
        Assert.Contains("temporarily locked", await right.Content.ReadAsStringAsync());
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByNameAsync(userName))!));
    }

    [Fact]
    public async Task Four_wrong_passwords_do_not_lock_the_account()
    {
        const string password = "Dung-Mat-Khau-2026";
        var userName = await CreateAccountAsync(password);
        using var browser = Host.NewBrowser();
        var page = new Uri(Host.BaseUrl + "/" + LoginPage());

        for (var attempt = 1; attempt <= 4; attempt++) await browser.SignInAsync(page, userName, "Wrong-Password-" + attempt);

        var right = await browser.SignInAsync(page, userName, password);
        Assert.Equal("/connect/authorize", browser.RedirectTarget(right).AbsolutePath);
    }

    [Fact]
    public async Task Ending_the_session_sends_the_browser_to_the_registered_address_and_asks_for_a_sign_in_again()
    {
        using var browser = Host.NewBrowser();
        var authorize = Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s", Pkce.New());
        await Oidc.SignInThroughAsync(browser, authorize, "quantri");
        // Signed in: a second authorization request goes straight back to the client.
        Assert.Equal(Oidc.SmartRedirect, browser.RedirectTarget(await browser.GetAsync(authorize)).GetLeftPart(UriPartial.Path));

        var logout = await browser.GetAsync(
            $"connect/endsession?client_id={Oidc.SmartClient}&post_logout_redirect_uri={Uri.EscapeDataString("http://127.0.0.1:5090/")}&state=bye");
        var after = browser.RedirectTarget(logout);
        Assert.Equal("http://127.0.0.1:5090/", after.GetLeftPart(UriPartial.Path));
        Assert.Equal("bye", Oidc.Query(after)["state"]);

        var again = browser.RedirectTarget(await browser.GetAsync(authorize));
        Assert.StartsWith("/account/login", again.AbsolutePath, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ending_the_session_refuses_an_unregistered_return_address()
    {
        using var browser = Host.NewBrowser();

        var response = await browser.GetAsync(
            $"connect/endsession?client_id={Oidc.SmartClient}&post_logout_redirect_uri={Uri.EscapeDataString("http://evil.example/")}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("Ngan@2026")]          // 9 characters
    [InlineData("telehealth@2026")]    // no upper case
    [InlineData("TELEHEALTH@2026")]    // no lower case
    [InlineData("Telehealth@nam")]     // no digit
    [InlineData("Telehealth2026")]     // no symbol
    public async Task A_password_outside_the_policy_is_refused(string password)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();

        var result = await users.CreateAsync(new PlatformUser { UserName = "thu.nghiem." + Guid.NewGuid().ToString("N")[..8] }, password);

        Assert.False(result.Succeeded);
    }

    private async Task<string> CreateAccountAsync(string password)
    {
        var userName = "thu.nghiem." + Guid.NewGuid().ToString("N")[..8];
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var result = await users.CreateAsync(new PlatformUser { UserName = userName }, password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return userName;
    }
}
