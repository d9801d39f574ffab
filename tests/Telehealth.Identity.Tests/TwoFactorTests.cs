using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Telehealth.Identity.Storage;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// Two-step sign-in with an authenticator app (TOTP), with the requirement on as in production (demo mode turns it off
/// by default): staff enrol before they get a code, then sign in with password and code or a recovery code; on both stores.
/// </summary>
public abstract class TwoFactorTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private const string Password = "Mat-Khau-Manh-2026";

    private IdentityServiceHost Host => store.Host;

    private sealed record Account(string Id, string UserName, string? Key, IReadOnlyList<string> RecoveryCodes);

    [Fact]
    public async Task A_staff_member_without_a_second_factor_gets_no_code_until_enrolled_then_gets_one()
    {
        var account = await NewAccountAsync("specialist", enrolled: false);
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var authorize = Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid fhirUser user/*.rs", "s", pkce);

        var toLogin = browser.RedirectTarget(await browser.GetAsync(authorize));
        var setup = browser.RedirectTarget(await browser.SignInAsync(toLogin, account.UserName, Password));
        Assert.Equal("/account/setup", setup.AbsolutePath, ignoreCase: true);
        // The password alone opened no session: the authorization request asks for a sign-in again, with no code.
        var again = browser.RedirectTarget(await browser.GetAsync(authorize));
        Assert.Equal("/account/login", again.AbsolutePath, ignoreCase: true);

        var page = await browser.ReadAsync(setup.ToString());
        Assert.Contains("<html lang=\"vi\">", page);
        Assert.Contains("bắt buộc dùng xác thực hai bước", PageForms.ElementText(page, "must-enrol"));
        Assert.Contains("Khi vận hành thật", PageForms.ElementText(page, "policy"));
        var uri = PageForms.Link(page, "key-uri")!;
        var secret = Regex.Match(uri, "secret=([A-Z2-7]+)&").Groups[1].Value;
        Assert.Equal($"otpauth://totp/Telehealth:{account.UserName}?secret={secret}&issuer=Telehealth&digits=6", uri);
        // The QR code an app scans holds the same URI.
        Assert.Equal(uri, QrCodes.Read(PageForms.ImageSource(page, "key-qr")!));
        var grouped = PageForms.ElementText(page, "shared-key")!;
        Assert.Equal(secret.ToLowerInvariant(), grouped.Replace(" ", ""));
        Assert.All(grouped.Split(' ')[..^1], group => Assert.Equal(4, group.Length));
        Assert.Equal(secret, await AuthenticatorKeyAsync(account.Id));

        var wrong = await browser.SubmitAsync(setup.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Wrong(secret) });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.NotNull(PageForms.ElementText(await wrong.Content.ReadAsStringAsync(), "setup-error"));
        Assert.False((await FindAsync(account.Id)).TwoFactorEnabled);

        var right = await browser.SubmitAsync(setup.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Now(secret) });
        var done = await right.Content.ReadAsStringAsync();
        var codes = PageForms.ClassTexts(done, "recovery-code");
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^[A-Z0-9]{5}-[A-Z0-9]{5}$", code));
        Assert.True((await FindAsync(account.Id)).TwoFactorEnabled);

        // Continue goes back to the authorization request, which now gives the client its code.
        var callback = browser.RedirectTarget(await browser.GetAsync(PageForms.Link(done, "continue")!));
        Assert.Equal(Oidc.SmartRedirect, callback.GetLeftPart(UriPartial.Path));
        var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, Oidc.Query(callback)["code"], pkce.Verifier);
        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(account.Id, access.Subject);
        Assert.Equal(["specialist"], Oidc.Values(access, "role"));
    }

    [Fact]
    public async Task Sign_in_asks_for_the_code_refuses_a_wrong_one_and_gives_a_code_for_the_right_one()
    {
        var account = await NewAccountAsync("commune_doctor", enrolled: true);
        using var browser = Host.NewBrowser();
        var (authorize, pkce, step) = await PasswordStepAsync(browser, account);
        Assert.Equal("/account/twofactor", step.AbsolutePath, ignoreCase: true);

        var wrong = await browser.SubmitAsync(step.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Wrong(account.Key!) });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal("Mã không đúng hoặc đã được dùng. Vui lòng nhập mã mới.",
            PageForms.ElementText(await wrong.Content.ReadAsStringAsync(), "two-factor-error"));
        Assert.Equal(1, (await FindAsync(account.Id)).AccessFailedCount); // counts towards the lockout
        Assert.Equal("/account/login", browser.RedirectTarget(await browser.GetAsync(authorize)).AbsolutePath, ignoreCase: true);

        var right = await browser.SubmitAsync(step.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Now(account.Key!) });
        Assert.Equal("/connect/authorize", browser.RedirectTarget(right).AbsolutePath);
        var callback = browser.RedirectTarget(await browser.GetAsync(browser.RedirectTarget(right)));
        var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, Oidc.Query(callback)["code"], pkce.Verifier);
        var id = await Oidc.ValidateAsync(Host, tokens.IdToken, audience: Oidc.SmartClient);
        Assert.Equal(account.Id, id.Subject);
        Assert.Equal(0, (await FindAsync(account.Id)).AccessFailedCount);
    }

    [Fact]
    public async Task A_code_is_accepted_once()
    {
        var account = await NewAccountAsync("coordinator", enrolled: true);
        var code = Totp.Now(account.Key!);
        using (var first = Host.NewBrowser())
        {
            var (_, _, step) = await PasswordStepAsync(first, account);
            var used = await first.SubmitAsync(step.ToString(), new Dictionary<string, string> { ["Code"] = code });
            Assert.Equal("/connect/authorize", first.RedirectTarget(used).AbsolutePath);
        }

        using var second = Host.NewBrowser();
        var (_, _, again) = await PasswordStepAsync(second, account);
        var replay = await second.SubmitAsync(again.ToString(), new Dictionary<string, string> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        // The app's next code is still accepted: only the spent one is refused.
        var next = await second.SubmitAsync(again.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Now(account.Key!, stepOffset: 1) });
        Assert.Equal("/connect/authorize", second.RedirectTarget(next).AbsolutePath);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        var account = await NewAccountAsync("facility_admin", enrolled: true);
        var recovery = account.RecoveryCodes[3];
        using (var first = Host.NewBrowser())
        {
            var (_, pkce, step) = await PasswordStepAsync(first, account);
            // Typed in lower case without the dash, as people do.
            var used = await first.SubmitAsync(step.ToString(), new Dictionary<string, string> { ["Code"] = recovery.Replace("-", "").ToLowerInvariant() });
            var callback = first.RedirectTarget(await first.GetAsync(first.RedirectTarget(used)));
            var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, Oidc.Query(callback)["code"], pkce.Verifier);
            Assert.Equal(account.Id, (await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir")).Subject);
        }

        using var second = Host.NewBrowser();
        var (_, _, again) = await PasswordStepAsync(second, account);
        var reused = await second.SubmitAsync(again.ToString(), new Dictionary<string, string> { ["Code"] = recovery });
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.NotNull(PageForms.ElementText(await reused.Content.ReadAsStringAsync(), "two-factor-error"));
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        Assert.Equal(9, await users.CountRecoveryCodesAsync((await users.FindByIdAsync(account.Id))!));
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_account_even_against_the_right_one()
    {
        var account = await NewAccountAsync("specialist", enrolled: true);
        using var browser = Host.NewBrowser();
        var (_, _, step) = await PasswordStepAsync(browser, account, english: true);

        for (var attempt = 0; attempt < 5; attempt++)
            await browser.SubmitAsync(step.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Wrong(account.Key!) });
        var right = await browser.SubmitAsync(step.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Now(account.Key!) });

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("temporarily locked", PageForms.ElementText(await right.Content.ReadAsStringAsync(), "two-factor-error"));
        Assert.NotNull((await FindAsync(account.Id)).LockoutEnd);
    }

    [Fact]
    public async Task A_patient_signs_in_with_a_password_alone_and_may_turn_the_second_step_on()
    {
        var account = await NewAccountAsync("patient", enrolled: false);
        using var browser = Host.NewBrowser();
        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid", "s", Pkce.New()), account.UserName, Password);
        Assert.Equal(Oidc.SmartRedirect, callback.GetLeftPart(UriPartial.Path));

        var page = await browser.ReadAsync("account/setup?lang=en");
        Assert.Contains("Turn on two-step verification", page);
        Assert.Null(PageForms.ElementText(page, "must-enrol"));
        var secret = Regex.Match(PageForms.Link(page, "key-uri")!, "secret=([A-Z2-7]+)&").Groups[1].Value;
        var done = await browser.SubmitAsync("account/setup", new Dictionary<string, string> { ["Code"] = Totp.Now(secret) });
        Assert.Equal(10, PageForms.ClassTexts(await done.Content.ReadAsStringAsync(), "recovery-code").Count);

        using var later = Host.NewBrowser();
        var (_, _, step) = await PasswordStepAsync(later, account);
        Assert.Equal("/account/twofactor", step.AbsolutePath, ignoreCase: true);
    }

    [Fact]
    public async Task A_facility_admin_resets_a_lost_phones_second_step_and_the_person_enrols_a_new_key_at_the_next_sign_in()
    {
        var account = await NewAccountAsync("specialist", enrolled: true);
        var before = await SignInAsync(account, "openid offline_access user/*.rs");
        var administrator = await NewAccountAsync("facility_admin", enrolled: true);
        using var admin = Host.NewBrowser();
        var password = await admin.SignInAsync(new Uri(Host.BaseUrl + "/account/login?ReturnUrl=%2Fadmin%2Fstaff"), administrator.UserName, Password);
        var code = await admin.SubmitAsync(admin.RedirectTarget(password).ToString(), new Dictionary<string, string> { ["Code"] = Totp.Now(administrator.Key!) });
        Assert.Equal("/admin/staff", admin.RedirectTarget(code).AbsolutePath);
        Assert.Contains("Đặt lại xác thực hai bước", await admin.ReadAsync("admin/staff"));

        var reset = await admin.SubmitAsync("admin/staff", new Dictionary<string, string>(), $"admin/staff?handler=ResetTwoFactor&id={account.Id}");

        Assert.StartsWith($"Đã đặt lại xác thực hai bước của tài khoản {account.UserName}:",
            PageForms.ElementText(await reset.Content.ReadAsStringAsync(), "message"));
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
            var user = (await users.FindByIdAsync(account.Id))!;
            Assert.False(user.TwoFactorEnabled);
            Assert.NotEqual(account.Key, await users.GetAuthenticatorKeyAsync(user));
            Assert.Equal(0, await users.CountRecoveryCodesAsync(user));
        }
        var renewal = await Oidc.TokenAsync(Host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = Oidc.SmartClient, ["refresh_token"] = before.RefreshToken,
        });
        Assert.Equal("invalid_grant", renewal.Error);
        // The password alone opens nothing: staff must set up the new key first.
        using (var later = Host.NewBrowser())
            Assert.Equal("/account/setup", (await PasswordStepAsync(later, account)).Next.AbsolutePath, ignoreCase: true);

        // Not their own, and not another facility's.
        var own = await admin.SubmitAsync("admin/staff", new Dictionary<string, string>(), $"admin/staff?handler=ResetTwoFactor&id={administrator.Id}");
        Assert.Contains("Bạn không thể tự đặt lại", PageForms.ElementText(await own.Content.ReadAsStringAsync(), "message"));
        var other = await NewAccountAsync("specialist", enrolled: true, organization: "Organization/bv-cho-ray");
        var refused = await admin.SubmitAsync("admin/staff", new Dictionary<string, string>(), $"admin/staff?handler=ResetTwoFactor&id={other.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.True((await FindAsync(administrator.Id)).TwoFactorEnabled);
        Assert.True((await FindAsync(other.Id)).TwoFactorEnabled);
        Assert.Equal(other.Key, await AuthenticatorKeyAsync(other.Id));
    }

    /// <summary>Password and the app's code through to the client's tokens.</summary>
    private async Task<TokenResponse> SignInAsync(Account account, string scope)
    {
        using var browser = Host.NewBrowser();
        var (_, pkce, step) = await PasswordStepAsync(browser, account, scope: scope);
        var right = await browser.SubmitAsync(step.ToString(), new Dictionary<string, string> { ["Code"] = Totp.Now(account.Key!) });
        var callback = browser.RedirectTarget(await browser.GetAsync(browser.RedirectTarget(right)));
        var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, Oidc.Query(callback)["code"], pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }

    /// <summary>Starts an authorization request and gives the password; returns where the sign-in page sent the browser.</summary>
    private async Task<(string Authorize, Pkce Pkce, Uri Next)> PasswordStepAsync(Browser browser, Account account, bool english = false,
        string scope = "openid user/*.rs")
    {
        var pkce = Pkce.New();
        var authorize = Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, scope, "s", pkce);
        var toLogin = browser.RedirectTarget(await browser.GetAsync(authorize));
        if (english) toLogin = new Uri(toLogin + "&lang=en");
        return (authorize, pkce, browser.RedirectTarget(await browser.SignInAsync(toLogin, account.UserName, Password)));
    }

    private async Task<Account> NewAccountAsync(string role, bool enrolled, string organization = "Organization/tyt-phu-tuc")
    {
        var name = "tk." + Guid.NewGuid().ToString("N")[..10];
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var user = new PlatformUser
        {
            UserName = name,
            DisplayName = "Thử nghiệm " + name,
            FhirUser = role == "patient" ? "Patient/" + name : "Practitioner/" + name,
            Organization = role == "patient" ? null : organization,
        };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        if (!enrolled) return new(user.Id, name, null, []);

        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10);
        return new(user.Id, name, await users.GetAuthenticatorKeyAsync(user), [.. codes!]);
    }

    private async Task<PlatformUser> FindAsync(string id)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>().FindByIdAsync(id))!;
    }

    private async Task<string?> AuthenticatorKeyAsync(string id)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        return await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(id))!);
    }
}

/// <summary>SQLite, demo accounts, and two-step sign-in required as in production.</summary>
public sealed class TwoFactorSqliteStore : SqliteTestStore
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings =>
        new Dictionary<string, string?> { ["Identity:TwoFactor:Required"] = "true" };
}

/// <summary>PostgreSQL, demo accounts, and two-step sign-in required as in production.</summary>
public sealed class TwoFactorPostgresStore : PostgresTestStore
{
    protected override IReadOnlyDictionary<string, string?> ServiceSettings =>
        new Dictionary<string, string?> { ["Identity:TwoFactor:Required"] = "true" };
}

public sealed class SqliteTwoFactorTests(TwoFactorSqliteStore store) : TwoFactorTests<TwoFactorSqliteStore>(store);

public sealed class PostgresTwoFactorTests(TwoFactorPostgresStore store) : TwoFactorTests<TwoFactorPostgresStore>(store);
