using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Telehealth.Identity.Storage;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// A doctor signs in with their hospital's own login server (oidc-provider) and gets the platform's tokens for the
/// local account their licence (or e-mail) matches, within the hospital's Organization; on both stores.
/// </summary>
public abstract class FederationSignInTests<TFixture, TStore>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : FederationFixture<TStore> where TStore : TestStore, new()
{
    private const string Key = FederationFixture<TStore>.Key;

    private IdentityServiceHost Host => fixture.Host;

    private Task<BrowserPage> SignInAsync(Browser browser, string subject, Pkce pkce, string? idp = null, bool cancel = false) =>
        HospitalJourney.SignInAsync(browser, fixture.Hospital, Key, subject, pkce, idp, cancel);

    [Fact]
    public async Task A_doctor_whose_licence_matches_an_account_of_the_hospital_gets_that_accounts_tokens_and_no_unmapped_role()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();

        var atClient = await SignInAsync(browser, "cr-000123", pkce);

        Assert.True(atClient.PassedThrough("/account/login"));
        Assert.True(atClient.PassedThrough($"/account/hospital/{Key}/callback"));
        var tokens = await HospitalJourney.RedeemAsync(Host, atClient, pkce);
        var account = await fixture.WithUsersAsync(users => users.FindByNameAsync("bs.chuyenkhoa"));
        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(account!.Id, access.Subject);
        Assert.Equal("Practitioner/bs-ngo-van-tai", access.GetClaim("fhirUser").Value);
        Assert.Equal("Organization/bv-cho-ray", access.GetClaim("organization").Value);
        // The hospital also says "platform_admin" and "facility_admin": groups the configuration does not map grant nothing.
        Assert.Equal(["specialist"], Oidc.Values(access, "role"));
        var id = await Oidc.ValidateAsync(Host, tokens.IdToken, audience: Oidc.SmartClient);
        Assert.Equal(account.Id, id.Subject);
        Assert.Equal("Practitioner/bs-ngo-van-tai", id.GetClaim("fhirUser").Value);
        Assert.Equal(["specialist"], Oidc.Values(id, "role"));

        var linked = await fixture.WithUsersAsync(users => users.FindByLoginAsync(Key, "cr-000123"));
        Assert.Equal(account.Id, linked!.Id);
        Assert.Equal(["specialist"], await fixture.WithUsersAsync(users => users.GetRolesAsync(linked)));

        // Next time (a new browser, so no session here), the link is found again: same account, still one link.
        using var again = Host.NewBrowser();
        var secondPkce = Pkce.New();
        var second = await HospitalJourney.RedeemAsync(Host, await SignInAsync(again, "cr-000123", secondPkce), secondPkce);
        Assert.Equal(account.Id, (await Oidc.ValidateAsync(Host, second.AccessToken, audience: "telehealth-fhir")).Subject);
        Assert.Single(await fixture.WithUsersAsync(users => users.GetLoginsAsync(linked)));
    }

    [Fact]
    public async Task With_idp_in_the_authorization_request_the_choice_page_is_skipped()
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();

        var atClient = await SignInAsync(browser, "cr-000124", pkce, idp: Key);

        Assert.False(atClient.PassedThrough("/account/login"));
        var access = await Oidc.ValidateAsync(Host, (await HospitalJourney.RedeemAsync(Host, atClient, pkce)).AccessToken, audience: "telehealth-fhir");
        Assert.Equal("Practitioner/dp-le-thi-hoa", access.GetClaim("fhirUser").Value);
        Assert.Equal("Organization/bv-cho-ray", access.GetClaim("organization").Value);
        Assert.Equal(["coordinator"], Oidc.Values(access, "role"));
    }

    [Fact]
    public async Task A_mapped_group_grants_its_role_to_an_account_created_without_one()
    {
        var account = await CreateAccountAsync("bs.lyngocquynh", "Practitioner/bs-ly-ngoc-quynh", licence: "006078/BYT-CCHN");
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();

        var tokens = await HospitalJourney.RedeemAsync(Host, await SignInAsync(browser, "cr-000456", pkce), pkce);

        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(account.Id, access.Subject);
        Assert.Equal("Practitioner/bs-ly-ngoc-quynh", access.GetClaim("fhirUser").Value);
        Assert.Equal(["specialist"], Oidc.Values(access, "role")); // bac-si-chuyen-khoa → specialist
    }

    [Fact]
    public async Task A_role_whose_group_is_gone_upstream_is_taken_away_at_the_next_sign_in_and_the_old_session_stops_renewing()
    {
        const string subject = "cr-000810";
        var account = await CreateAccountAsync("ho.van.chuyen", "Practitioner/bs-ho-van-chuyen", licence: "006111/BYT-CCHN");
        var first = await HospitalSignInAsync(subject, "openid profile fhirUser offline_access user/*.rs");
        Assert.Equal(["coordinator", "specialist"], Roles(first.Access));

        // The hospital moves the person out of its specialists' group.
        await fixture.Hospital.UpdatePersonAsync(subject, FederationFixture<TStore>.People[subject] with { Groups = ["dieu-phoi"] });
        var second = await HospitalSignInAsync(subject);

        Assert.Equal(["coordinator"], Roles(second.Access));
        Assert.Equal(["coordinator"], await RolesOfAsync(account.Id));
        // The session begun while the person was a specialist renews no more (its refresh token would carry the role
        // forward until its next refresh; a new security stamp ends it now).
        var renewal = await Oidc.TokenAsync(Host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = Oidc.SmartClient, ["refresh_token"] = first.Tokens.RefreshToken,
        });
        Assert.Equal("invalid_grant", renewal.Error);

        // Out of every mapped group: the person still signs in (their hospital vouches for them) but holds no role.
        await fixture.Hospital.UpdatePersonAsync(subject, FederationFixture<TStore>.People[subject] with { Groups = ["dieu-duong"] });
        Assert.Empty(Roles((await HospitalSignInAsync(subject)).Access));
        Assert.Empty(await RolesOfAsync(account.Id));

        // Back in a group: granted again.
        await fixture.Hospital.UpdatePersonAsync(subject, FederationFixture<TStore>.People[subject]);
        Assert.Equal(["coordinator", "specialist"], Roles((await HospitalSignInAsync(subject)).Access));
    }

    [Fact]
    public async Task A_role_a_facility_administrator_gave_stays_when_the_hospital_stops_naming_its_group()
    {
        const string subject = "cr-000811";
        var account = await CreateAccountAsync("mai.thi.giu", "Practitioner/bs-mai-thi-giu", licence: "006112/BYT-CCHN");
        var added = await fixture.WithUsersAsync(async users => await users.AddToRoleAsync((await users.FindByIdAsync(account.Id))!, "specialist"));
        Assert.True(added.Succeeded);
        Assert.Equal(["specialist"], Roles((await HospitalSignInAsync(subject)).Access));

        await fixture.Hospital.UpdatePersonAsync(subject, FederationFixture<TStore>.People[subject] with { Groups = [] });

        Assert.Equal(["specialist"], Roles((await HospitalSignInAsync(subject)).Access));
        Assert.Equal(["specialist"], await RolesOfAsync(account.Id));
    }

    [Fact]
    public async Task Without_a_licence_upstream_the_e_mail_of_an_account_of_the_hospital_links_it()
    {
        var account = await CreateAccountAsync("vo.thi.lan", "Practitioner/dd-vo-thi-lan", email: "Lan.Vo@choray.vn");
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();

        var tokens = await HospitalJourney.RedeemAsync(Host, await SignInAsync(browser, "cr-000800", pkce), pkce);

        var access = await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal(account.Id, access.Subject);
        Assert.Equal(["coordinator"], Oidc.Values(access, "role")); // dieu-phoi → coordinator
    }

    [Fact]
    public async Task A_licence_of_another_facilitys_account_is_not_linked_and_gets_nothing()
    {
        var before = await SnapshotAsync("bs.xa");
        using var browser = Host.NewBrowser();

        // cr-000791 asserts bs.xa's licence, but bs.xa works at the Phú Túc commune station, not at Chợ Rẫy.
        var page = await SignInAsync(browser, "cr-000791", Pkce.New());

        Assert.Equal("/account/notice/pending", page.Url.AbsolutePath);
        Assert.DoesNotContain(page.Path, HospitalJourney.AtClient);
        Assert.Equal(before, await SnapshotAsync("bs.xa"));
        var pending = await fixture.WithUsersAsync(users => users.FindByLoginAsync(Key, "cr-000791"));
        Assert.NotEqual(before.Id, pending!.Id);
        Assert.Equal(AccountStatus.PendingApproval, pending.Status);
    }

    [Fact]
    public async Task A_hospital_whose_discovery_document_names_another_issuer_is_refused_before_anyone_is_sent_there()
    {
        var accounts = await fixture.WithUsersAsync(users => users.Users.CountAsync());
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var login = await browser.OpenAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, HospitalJourney.Scope, "s", pkce));

        var page = await browser.SubmitAsync(login, $"value=\"{FederationFixture<TStore>.MismatchedKey}\"", stopAt: HospitalJourney.AtClient);

        Assert.True(page.Url.AbsolutePath == "/account/notice/unavailable", $"{(int)page.Status} {page.Url}\n{page.Html}");
        Assert.DoesNotContain(page.Path, u => u.Host == "localhost");
        Assert.Equal(accounts, await fixture.WithUsersAsync(users => users.Users.CountAsync()));
    }

    [Fact]
    public async Task A_sign_in_cancelled_at_the_hospital_ends_on_a_notice_and_changes_nothing()
    {
        var accounts = await fixture.WithUsersAsync(users => users.Users.CountAsync());
        using var browser = Host.NewBrowser();

        var page = await SignInAsync(browser, "cr-000456", Pkce.New(), idp: Key, cancel: true);

        Assert.Equal("/account/notice/failed", page.Url.AbsolutePath);
        Assert.Contains("Không hoàn tất được đăng nhập qua bệnh viện", page.Html);
        Assert.DoesNotContain(page.Path, HospitalJourney.AtClient);
        Assert.Equal(accounts, await fixture.WithUsersAsync(users => users.Users.CountAsync()));
        Assert.Null(await fixture.WithUsersAsync(users => users.FindByLoginAsync(Key, "cr-000456")));
    }

    /// <summary>A whole hospital sign-in in a new browser, ending with the tokens and the validated access token.</summary>
    private async Task<(TokenResponse Tokens, JsonWebToken Access)> HospitalSignInAsync(
        string subject, string scope = HospitalJourney.Scope)
    {
        using var browser = Host.NewBrowser();
        var pkce = Pkce.New();
        var tokens = await HospitalJourney.RedeemAsync(Host, await HospitalJourney.SignInAsync(browser, fixture.Hospital, Key, subject, pkce, scope: scope), pkce);
        return (tokens, await Oidc.ValidateAsync(Host, tokens.AccessToken, audience: "telehealth-fhir"));
    }

    private static IReadOnlyList<string> Roles(JsonWebToken access) =>
        Oidc.Values(access, "role").Order(StringComparer.Ordinal).ToList();

    private Task<List<string>> RolesOfAsync(string userId) => fixture.WithUsersAsync(async users =>
        (await users.GetRolesAsync((await users.FindByIdAsync(userId))!)).Order(StringComparer.Ordinal).ToList());

    private async Task<PlatformUser> CreateAccountAsync(string userName, string fhirUser, string? licence = null, string? email = null)
    {
        var account = new PlatformUser
        {
            UserName = userName, FhirUser = fhirUser, Organization = FederationFixture<TStore>.Organization, Licence = licence, Email = email,
        };
        var result = await fixture.WithUsersAsync(users => users.CreateAsync(account));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return account;
    }

    /// <summary>What a refused sign-in must leave alone about an account.</summary>
    private Task<AccountSnapshot> SnapshotAsync(string userName) => fixture.WithUsersAsync(async users =>
    {
        var user = (await users.FindByNameAsync(userName))!;
        return new AccountSnapshot(user.Id, user.Status, user.FhirUser, string.Join(",", await users.GetRolesAsync(user)),
            string.Join(",", (await users.GetLoginsAsync(user)).Select(l => l.LoginProvider + ":" + l.ProviderKey)));
    });

    private sealed record AccountSnapshot(string Id, AccountStatus Status, string? FhirUser, string Roles, string Logins);
}

public sealed class SqliteFederationSignInTests(SqliteFederationFixture fixture)
    : FederationSignInTests<SqliteFederationFixture, SqliteTestStore>(fixture);

public sealed class PostgresFederationSignInTests(PostgresFederationFixture fixture)
    : FederationSignInTests<PostgresFederationFixture, PostgresTestStore>(fixture);
