using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
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

    private Task<BrowserPage> SignInAsync(Browser browser, string subject, Pkce pkce, string? idp = null) =>
        HospitalJourney.SignInAsync(browser, fixture.Hospital, Key, subject, pkce, idp);

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
    }
}

public sealed class SqliteFederationSignInTests(SqliteFederationFixture fixture)
    : FederationSignInTests<SqliteFederationFixture, SqliteTestStore>(fixture);

public sealed class PostgresFederationSignInTests(PostgresFederationFixture fixture)
    : FederationSignInTests<PostgresFederationFixture, PostgresTestStore>(fixture);
