using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Telehealth.Identity.Storage;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// Facility administrators manage their own facility's staff accounts at /admin/staff (create, disable, re-enable);
/// platform administrators any facility's; nobody else. On both stores, in demo mode (quantri administers tyt-phu-tuc).
/// </summary>
public abstract class StaffManagementTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    private const string Password = "Mat-Khau-Manh-2026";
    private const string OwnFacility = "Organization/tyt-phu-tuc";
    private const string OtherFacility = "Organization/bv-cho-ray";

    private IdentityServiceHost Host => store.Host;

    [Fact]
    public async Task A_facility_admin_creates_a_staff_account_that_signs_in_with_its_links()
    {
        using var admin = await AdministratorAsync("quantri");
        var userName = "bs.moi." + Suffix();
        var practitioner = "Practitioner/bs-le-van-tam-" + Suffix();

        var response = await admin.SubmitAsync("admin/staff/new", new Dictionary<string, string>
        {
            ["UserName"] = userName, ["DisplayName"] = "BS. Lê Văn Tâm", ["Role"] = "commune_doctor",
            ["Licence"] = "004512/BTR-CCHN", ["Practitioner"] = practitioner,
            ["Organization"] = OtherFacility, // not the form's to choose for a facility administrator: ignored
            ["Password"] = "",
        });

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal($"Đã tạo tài khoản {userName}.", PageForms.ElementText(page, "created"));
        var password = PageForms.ElementText(page, "generated-password")!;
        var account = await FindByNameAsync(userName);
        Assert.Equal((OwnFacility, practitioner, "004512/BTR-CCHN"), (account.Organization, account.FhirUser, account.Licence));
        Assert.Contains($"data-user=\"{userName}\"", await admin.ReadAsync("admin/staff"));

        using var doctor = Host.NewBrowser();
        var pkce = Pkce.New();
        var callback = await Oidc.SignInThroughAsync(doctor,
            Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, "openid fhirUser user/*.rs", "s", pkce), userName, password);
        var tokens = await Oidc.RedeemCodeAsync(Host.Client, Oidc.SmartClient, Oidc.SmartRedirect, Oidc.Query(callback)["code"], pkce.Verifier);
        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(account.Id, access.Subject);
        Assert.Equal(practitioner, access.GetClaim("fhirUser").Value);
        Assert.Equal(OwnFacility, access.GetClaim("organization").Value);
        Assert.Equal(["commune_doctor"], Oidc.Values(access, "role"));
    }

    [Fact]
    public async Task A_new_account_outside_the_rules_is_refused_and_not_made()
    {
        using var admin = await AdministratorAsync("quantri");
        var userName = "bs.sai." + Suffix();

        var missing = await admin.SubmitAsync("admin/staff/new?lang=en", new Dictionary<string, string>
        {
            ["UserName"] = userName, ["DisplayName"] = "BS. Thiếu", ["Role"] = "specialist", ["Licence"] = "",
            ["Practitioner"] = "Patient/bn-1", ["Password"] = "Mat-Khau-Manh-2026",
        });
        var page = await missing.Content.ReadAsStringAsync();
        Assert.Contains("data-problem=\"LicenceRequired\"", page);
        Assert.Contains("data-problem=\"PractitionerInvalid\"", page);
        Assert.Contains("Doctors must have a practising licence number.", page);

        var weak = await admin.SubmitAsync("admin/staff/new", new Dictionary<string, string>
        {
            ["UserName"] = userName, ["DisplayName"] = "BS. Yếu", ["Role"] = "coordinator",
            ["Practitioner"] = "Practitioner/dp-" + Suffix(), ["Password"] = "yeu2026",
        });
        Assert.Contains("data-problem=\"PasswordPolicy\"", await weak.Content.ReadAsStringAsync());

        await using var scope = Host.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>().FindByNameAsync(userName));
    }

    [Fact]
    public async Task Disabling_an_account_stops_its_sign_in_and_its_refresh_tokens_even_after_re_enabling()
    {
        var account = await NewStaffAsync(OwnFacility);
        var before = await SignInWithRefreshAsync(account.UserName);
        using var admin = await AdministratorAsync("quantri");

        var disable = await admin.SubmitAsync("admin/staff", Fields(), $"admin/staff?handler=Disable&id={account.Id}");
        Assert.Equal($"Đã vô hiệu hóa tài khoản {account.UserName}.", PageForms.ElementText(await disable.Content.ReadAsStringAsync(), "message"));
        var disabled = await FindByNameAsync(account.UserName);
        Assert.Equal(DateTimeOffset.MaxValue.Year, disabled.LockoutEnd!.Value.Year);
        Assert.NotEqual(account.SecurityStamp, disabled.SecurityStamp);

        Assert.Equal("invalid_grant", (await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, before.RefreshToken)).Error);
        using (var browser = Host.NewBrowser())
        {
            var refused = await browser.SignInAsync(new Uri(Host.BaseUrl + "/account/login?ReturnUrl=%2Fconnect%2Fauthorize"), account.UserName, Password);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("đã bị vô hiệu hóa", PageForms.ElementText(await refused.Content.ReadAsStringAsync(), "sign-in-error"));
        }

        var enable = await admin.SubmitAsync("admin/staff", Fields(), $"admin/staff?handler=Enable&id={account.Id}");
        Assert.Equal($"Đã kích hoạt lại tài khoản {account.UserName}.", PageForms.ElementText(await enable.Content.ReadAsStringAsync(), "message"));
        await SignInWithRefreshAsync(account.UserName);
        // What was issued before the disable stays dead: revoked, and its security stamp is the old one.
        Assert.Equal("invalid_grant", (await Oidc.RefreshAsync(Host.Client, Oidc.WebClient, Oidc.WebSecret, before.RefreshToken)).Error);
    }

    [Fact]
    public async Task A_facility_admin_cannot_see_or_change_another_facilitys_account()
    {
        var other = await NewStaffAsync(OtherFacility);
        using var admin = await AdministratorAsync("quantri");

        Assert.DoesNotContain($"data-user=\"{other.UserName}\"", await admin.ReadAsync("admin/staff"));
        foreach (var handler in new[] { "Disable", "Enable" })
        {
            var response = await admin.SubmitAsync("admin/staff", Fields(), $"admin/staff?handler={handler}&id={other.Id}");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        var unchanged = await FindByNameAsync(other.UserName);
        Assert.Null(unchanged.LockoutEnd);
        Assert.Equal(other.SecurityStamp, unchanged.SecurityStamp);

        var missing = await admin.SubmitAsync("admin/staff", Fields(), $"admin/staff?handler=Disable&id={Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var own = await FindByNameAsync("quantri");
        var self = await admin.SubmitAsync("admin/staff", Fields(), $"admin/staff?handler=Disable&id={own.Id}");
        Assert.Equal("Bạn không thể tự vô hiệu hóa tài khoản của mình.", PageForms.ElementText(await self.Content.ReadAsStringAsync(), "message"));
        Assert.Null((await FindByNameAsync("quantri")).LockoutEnd);
    }

    [Fact]
    public async Task A_platform_admin_manages_any_facility()
    {
        var other = await NewStaffAsync(OtherFacility);
        using var admin = await AdministratorAsync("admin");

        Assert.Contains($"data-user=\"{other.UserName}\"", await admin.ReadAsync($"admin/staff?organization={Uri.EscapeDataString(OtherFacility)}"));
        await admin.SubmitAsync("admin/staff", Fields(), $"admin/staff?handler=Disable&id={other.Id}");
        Assert.NotNull((await FindByNameAsync(other.UserName)).LockoutEnd);

        var userName = "dp.moi." + Suffix();
        await admin.SubmitAsync("admin/staff/new", new Dictionary<string, string>
        {
            ["UserName"] = userName, ["DisplayName"] = "CN. Phạm Thu", ["Role"] = "coordinator",
            ["Practitioner"] = "Practitioner/dp-" + Suffix(), ["Organization"] = OtherFacility, ["Password"] = Password,
        });
        Assert.Equal(OtherFacility, (await FindByNameAsync(userName)).Organization);
    }

    [Fact]
    public async Task A_commune_doctor_cannot_reach_the_admin_pages_and_strangers_are_sent_to_sign_in()
    {
        using var doctor = Host.NewBrowser();
        var signedIn = await doctor.SignInAsync(new Uri(Host.BaseUrl + "/account/login?ReturnUrl=%2Fadmin%2Fstaff"), "bs.xa", Oidc.DemoPassword);
        Assert.Equal("/admin/staff", doctor.RedirectTarget(signedIn).AbsolutePath);
        var other = await NewStaffAsync(OwnFacility);

        Assert.Equal(HttpStatusCode.Forbidden, (await doctor.GetAsync("admin/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await doctor.GetAsync("admin/staff/new")).StatusCode);
        var post = await doctor.PostAsync($"admin/staff?handler=Disable&id={other.Id}", new FormUrlEncodedContent(Fields()));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Null((await FindByNameAsync(other.UserName)).LockoutEnd);

        using var stranger = Host.NewBrowser();
        Assert.Equal("/account/login", stranger.RedirectTarget(await stranger.GetAsync("admin/staff")).AbsolutePath, ignoreCase: true);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_changes_nothing()
    {
        var account = await NewStaffAsync(OwnFacility);
        using var admin = await AdministratorAsync("quantri");

        var response = await admin.PostAsync($"admin/staff?handler=Disable&id={account.Id}", new FormUrlEncodedContent(Fields()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null((await FindByNameAsync(account.UserName)).LockoutEnd);
    }

    private sealed record Staff(string Id, string UserName, string SecurityStamp);

    private static Dictionary<string, string> Fields() => [];

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private async Task<Browser> AdministratorAsync(string userName)
    {
        var browser = Host.NewBrowser();
        var signedIn = await browser.SignInAsync(new Uri(Host.BaseUrl + "/account/login?ReturnUrl=%2Fadmin%2Fstaff"), userName, Oidc.DemoPassword);
        Assert.Equal("/admin/staff", browser.RedirectTarget(signedIn).AbsolutePath);
        return browser;
    }

    private async Task<Staff> NewStaffAsync(string organization)
    {
        var userName = "nv." + Suffix();
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var user = new PlatformUser { UserName = userName, FhirUser = "Practitioner/" + userName, Organization = organization };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, "specialist")).Succeeded);
        return new(user.Id, userName, user.SecurityStamp!);
    }

    private async Task<PlatformUser> FindByNameAsync(string userName)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>().FindByNameAsync(userName))!;
    }

    private async Task<TokenResponse> SignInWithRefreshAsync(string userName)
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, "openid offline_access user/*.rs", "s", pkce), userName, Password);
        var tokens = await Oidc.TokenAsync(Host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["redirect_uri"] = Oidc.WebRedirect,
            ["code"] = Oidc.Query(callback)["code"], ["code_verifier"] = pkce.Verifier,
        }, Oidc.WebClient, Oidc.WebSecret);
        Assert.NotNull(tokens.RefreshToken);
        return tokens;
    }
}

public sealed class SqliteStaffManagementTests(SqliteTestStore store) : StaffManagementTests<SqliteTestStore>(store);

public sealed class PostgresStaffManagementTests(PostgresTestStore store) : StaffManagementTests<PostgresTestStore>(store);
