using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Telehealth.Identity.Storage;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// A person the hospital knows but the platform does not: refused tokens and shown the pending page until a
/// facility administrator of that hospital (or a platform administrator) approves or rejects them; on both stores.
/// </summary>
public abstract class FederationApprovalTests<TFixture, TStore>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : FederationFixture<TStore> where TStore : TestStore, new()
{
    private const string Key = FederationFixture<TStore>.Key;
    private const string AdminPassword = "Quan-Tri-Cho-Ray-2026";

    private IdentityServiceHost Host => fixture.Host;

    private Task<BrowserPage> SignInAsync(Browser browser, string subject, Pkce pkce) =>
        HospitalJourney.SignInAsync(browser, fixture.Hospital, Key, subject, pkce);

    [Fact]
    public async Task An_unknown_person_is_refused_until_a_facility_administrator_of_the_hospital_approves_them()
    {
        var accountsBefore = await CountAccountsAsync();
        using var browser = Host.NewBrowser();

        var refused = await SignInAsync(browser, "cr-000789", Pkce.New());

        Assert.Equal("/account/notice/pending", refused.Url.AbsolutePath);
        Assert.Contains("Tài khoản của bạn đang chờ quản trị viên cơ sở phê duyệt", refused.Html);
        Assert.DoesNotContain(refused.Path, HospitalJourney.AtClient);
        var pending = await AccountOfAsync("cr-000789");
        Assert.Equal((AccountStatus.PendingApproval, null, "Organization/bv-cho-ray", "009999/BYT-CCHN", "Phạm Thị Mới"),
            (pending.Status, pending.FhirUser, pending.Organization, pending.Licence, pending.DisplayName));
        await AssertNothingGrantedAsync(pending);

        // Signing in again changes nothing: the same pending account, still no code for the client.
        using var again = Host.NewBrowser();
        var stillRefused = await SignInAsync(again, "cr-000789", Pkce.New());
        Assert.Equal("/account/notice/pending", stillRefused.Url.AbsolutePath);
        Assert.Equal(accountsBefore + 1, await CountAccountsAsync());
        await AssertNothingGrantedAsync(pending);

        // The facility administrator of the Phú Túc station neither sees nor approves Chợ Rẫy's pending account.
        using var otherAdmin = Host.NewBrowser();
        var otherList = await SignInToApprovalPageAsync(otherAdmin, "quantri", Oidc.DemoPassword);
        Assert.DoesNotContain(pending.Id, otherList.Html);
        var forged = await otherAdmin.SubmitAsync(await ForgedApprovalAsync(otherAdmin, pending.Id), "Practitioner/");
        Assert.Equal(HttpStatusCode.NotFound, forged.Status);
        await AssertNothingGrantedAsync(pending);

        // Chợ Rẫy's facility administrator approves: the Practitioner and a role.
        await CreateAccountAsync("qt.choray", "facility_admin", FederationFixture<TStore>.Organization);
        using var admin = Host.NewBrowser();
        var list = await SignInToApprovalPageAsync(admin, "qt.choray", AdminPassword);
        Assert.Contains("Phạm Thị Mới", list.Html);
        Assert.Contains("009999/BYT-CCHN", list.Html);
        var approved = await admin.SubmitAsync(list, [$"value=\"{pending.Id}\"", "Phê duyệt"],
            new Dictionary<string, string> { ["practitioner"] = "Practitioner/bs-pham-thi-moi", ["role"] = "specialist" });
        Assert.Contains("Đã phê duyệt tài khoản Phạm Thị Mới.", approved.Html);

        using var later = Host.NewBrowser();
        var pkce = Pkce.New();
        var tokens = await HospitalJourney.RedeemAsync(Host, await SignInAsync(later, "cr-000789", pkce), pkce);
        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(pending.Id, access.Subject);
        Assert.Equal("Practitioner/bs-pham-thi-moi", access.GetClaim("fhirUser").Value);
        Assert.Equal("Organization/bv-cho-ray", access.GetClaim("organization").Value);
        Assert.Equal(["specialist"], Oidc.Values(access, "role"));
        Assert.Equal(accountsBefore + 2, await CountAccountsAsync()); // the pending account and the administrator, no other
    }

    [Fact]
    public async Task A_person_a_platform_administrator_rejects_stays_refused()
    {
        using var browser = Host.NewBrowser();
        Assert.Equal("/account/notice/pending", (await SignInAsync(browser, "cr-000790", Pkce.New())).Url.AbsolutePath);
        var pending = await AccountOfAsync("cr-000790");

        using var admin = Host.NewBrowser();
        var list = await SignInToApprovalPageAsync(admin, "admin", Oidc.DemoPassword, lang: "en");
        var rejected = await admin.SubmitAsync(list, [$"value=\"{pending.Id}\"", ">Reject<"]);
        Assert.Contains("Rejected Đỗ Văn Khước.", rejected.Html);

        using var again = Host.NewBrowser();
        var refused = await SignInAsync(again, "cr-000790", Pkce.New());
        Assert.Equal("/account/notice/rejected", refused.Url.AbsolutePath);
        Assert.DoesNotContain(refused.Path, HospitalJourney.AtClient);
        Assert.Equal(AccountStatus.Rejected, (await AccountOfAsync("cr-000790")).Status);
        await AssertNothingGrantedAsync(pending);
    }

    [Fact]
    public async Task The_approval_page_is_refused_to_a_doctor()
    {
        using var browser = Host.NewBrowser();
        var login = await browser.OpenAsync("admin/pendingaccounts");
        var page = await browser.SubmitAsync(login, "name=\"Password\"",
            new Dictionary<string, string> { ["UserName"] = "bs.xa", ["Password"] = Oidc.DemoPassword });

        // Refused where it was asked for: 403, no redirect.
        Assert.Equal("/admin/pendingaccounts", page.Url.AbsolutePath, ignoreCase: true);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
    }

    private async Task<BrowserPage> SignInToApprovalPageAsync(Browser browser, string userName, string password, string? lang = null)
    {
        var login = await browser.OpenAsync("admin/pendingaccounts" + (lang is null ? "" : "?lang=" + lang));
        Assert.Equal("/account/login", login.Url.AbsolutePath, ignoreCase: true);
        var page = await browser.SubmitAsync(login, "name=\"Password\"",
            new Dictionary<string, string> { ["UserName"] = userName, ["Password"] = password });
        Assert.Equal("/admin/pendingaccounts", page.Url.AbsolutePath, ignoreCase: true);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page;
    }

    /// <summary>An approval form for an account the signed-in administrator was not shown, with a valid antiforgery token.</summary>
    private static async Task<BrowserPage> ForgedApprovalAsync(Browser browser, string accountId)
    {
        var withToken = await browser.OpenAsync("account/login");
        var token = PageForms.AntiforgeryToken(withToken.Html);
        return withToken with
        {
            Html = $"""
                <form method="post" action="/admin/pendingaccounts?handler=Approve">
                <input type="hidden" name="__RequestVerificationToken" value="{token}" />
                <input name="id" value="{accountId}" /><input name="practitioner" value="Practitioner/bs-gia-mao" />
                <input name="role" value="specialist" /></form>
                """,
        };
    }

    private async Task AssertNothingGrantedAsync(PlatformUser account)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var current = (await users.FindByIdAsync(account.Id))!;
        Assert.NotEqual(AccountStatus.Active, current.Status);
        Assert.Null(current.FhirUser);
        Assert.Empty(await users.GetRolesAsync(current));
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        Assert.Empty(await tokens.FindBySubjectAsync(account.Id).ToListAsync());
    }

    private async Task<PlatformUser> AccountOfAsync(string subject) =>
        (await fixture.WithUsersAsync(users => users.FindByLoginAsync(Key, subject)))
        ?? throw new Xunit.Sdk.XunitException($"no account is linked to {Key} subject {subject}");

    private Task<int> CountAccountsAsync() => fixture.WithUsersAsync(users => users.Users.CountAsync());

    private Task CreateAccountAsync(string userName, string role, string organization) =>
        fixture.WithUsersAsync(async users =>
        {
            var account = new PlatformUser { UserName = userName, DisplayName = userName, Organization = organization };
            Assert.True((await users.CreateAsync(account, AdminPassword)).Succeeded);
            Assert.True((await users.AddToRoleAsync(account, role)).Succeeded);
            return account;
        });
}

public sealed class SqliteFederationApprovalTests(SqliteFederationFixture fixture)
    : FederationApprovalTests<SqliteFederationFixture, SqliteTestStore>(fixture);

public sealed class PostgresFederationApprovalTests(PostgresFederationFixture fixture)
    : FederationApprovalTests<PostgresFederationFixture, PostgresTestStore>(fixture);
