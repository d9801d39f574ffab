using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Storage;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// Chợ Rẫy's login server (oidc-provider) over HTTPS, with a certificate from the hospital's own authority: the
/// identity service trusts it through <c>TrustedCertificateFile</c>, and refuses it without.
/// </summary>
public sealed class HttpsFederationFixture : IAsyncLifetime
{
    public const string Key = "bv-cho-ray";

    private readonly SqliteTestStore store = new();

    public TestAuthority Authority { get; } = new("Bệnh viện Chợ Rẫy");

    public HospitalLoginServer Hospital { get; private set; } = null!;

    /// <summary>Configured with the hospital's authority.</summary>
    public IdentityServiceHost Host { get; private set; } = null!;

    /// <summary>The same hospital, on the same database, without the authority: the machine's roots do not know it.</summary>
    public IdentityServiceHost Untrusting { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        var port = HospitalLoginServer.FreePort();
        IdentityServiceHost Start(bool trusted)
        {
            var settings = new Dictionary<string, string?>(store.Settings)
            {
                [$"{HospitalDirectory.Section}:{Key}:Issuer"] = $"https://127.0.0.1:{port}/",
                [$"{HospitalDirectory.Section}:{Key}:ClientId"] = FederationFixture<SqliteTestStore>.ClientId,
                [$"{HospitalDirectory.Section}:{Key}:ClientSecret"] = FederationFixture<SqliteTestStore>.ClientSecret,
                [$"{HospitalDirectory.Section}:{Key}:DisplayName"] = "Chợ Rẫy",
                [$"{HospitalDirectory.Section}:{Key}:Organization"] = FederationFixture<SqliteTestStore>.Organization,
                [$"{HospitalDirectory.Section}:{Key}:Roles:bac-si-chuyen-khoa"] = "specialist",
            };
            if (trusted) settings[$"{HospitalDirectory.Section}:{Key}:TrustedCertificateFile"] = Authority.AuthorityFile;
            return new IdentityServiceHost(settings);
        }
        Host = Start(trusted: true);
        Untrusting = Start(trusted: false);
        Hospital = await HospitalLoginServer.StartAsync(port, FederationFixture<SqliteTestStore>.ClientId, FederationFixture<SqliteTestStore>.ClientSecret,
            [$"{Host.BaseUrl}/account/hospital/{Key}/callback", $"{Untrusting.BaseUrl}/account/hospital/{Key}/callback"],
            FederationFixture<SqliteTestStore>.People, Authority);
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        Untrusting.Dispose();
        Hospital.Dispose();
        Authority.Dispose();
        await store.DisposeAsync();
    }
}

public sealed class HttpsFederationTests(HttpsFederationFixture fixture) : IClassFixture<HttpsFederationFixture>
{
    [Fact]
    public async Task A_doctor_signs_in_through_a_hospital_login_server_whose_certificate_the_hospitals_own_authority_issued()
    {
        Assert.StartsWith("https://", fixture.Hospital.Issuer);
        using var browser = fixture.Host.NewBrowser(fixture.Authority);
        var pkce = Pkce.New();

        var atClient = await HospitalJourney.SignInAsync(browser, fixture.Hospital, HttpsFederationFixture.Key, "cr-000123", pkce);

        Assert.True(atClient.PassedThrough($"/account/hospital/{HttpsFederationFixture.Key}/callback"));
        var tokens = await HospitalJourney.RedeemAsync(fixture.Host, atClient, pkce);
        var access = await Oidc.ValidateAsync(fixture.Host, tokens.AccessToken, audience: "telehealth-fhir");
        Assert.Equal("Practitioner/bs-ngo-van-tai", access.GetClaim("fhirUser").Value);
        Assert.Equal("Organization/bv-cho-ray", access.GetClaim("organization").Value);
        Assert.Equal(["specialist"], Oidc.Values(access, "role"));
    }

    [Fact]
    public async Task Without_the_hospitals_authority_nobody_is_sent_to_its_login_server_and_nothing_changes()
    {
        var host = fixture.Untrusting;
        var before = await AccountsAsync(host);
        using var browser = host.NewBrowser(fixture.Authority);
        var login = await browser.OpenAsync(Oidc.AuthorizeUrl(Oidc.SmartClient, Oidc.SmartRedirect, HospitalJourney.Scope, "s", Pkce.New()));

        var page = await browser.SubmitAsync(login, $"value=\"{HttpsFederationFixture.Key}\"", stopAt: HospitalJourney.AtClient);

        Assert.True(page.Url.AbsolutePath == "/account/notice/unavailable", $"{(int)page.Status} {page.Url}\n{page.Html}");
        Assert.DoesNotContain(page.Path, u => u.Port == new Uri(fixture.Hospital.Issuer).Port);
        Assert.Equal(before, await AccountsAsync(host));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/", "authority.pem", "TrustedCertificateFile is for an https Issuer")]
    [InlineData("https://127.0.0.1:9/", "missing.pem", "could not be read as a certificate")]
    [InlineData("https://127.0.0.1:9/", "not-a-certificate.pem", "could not be read as a certificate")]
    public void A_trusted_certificate_that_cannot_serve_stops_the_service_at_start_up_naming_the_hospital(string issuer, string file, string problem)
    {
        var folder = Path.GetDirectoryName(fixture.Authority.AuthorityFile)!;
        File.WriteAllText(Path.Combine(folder, "not-a-certificate.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{HospitalDirectory.Section}:bv-hue:Issuer"] = issuer,
            [$"{HospitalDirectory.Section}:bv-hue:ClientId"] = "telehealth",
            [$"{HospitalDirectory.Section}:bv-hue:DisplayName"] = "Trung ương Huế",
            [$"{HospitalDirectory.Section}:bv-hue:Organization"] = "Organization/bv-hue",
            [$"{HospitalDirectory.Section}:bv-hue:TrustedCertificateFile"] = Path.Combine(folder, file),
        }).Build();

        var refused = Assert.Throws<InvalidOperationException>(() => HospitalDirectory.From(configuration, requireHttps: false));

        Assert.Contains($"{HospitalDirectory.Section}:bv-hue", refused.Message);
        Assert.Contains(problem, refused.Message);
    }

    private static async Task<int> AccountsAsync(IdentityServiceHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>().Users.CountAsync();
    }
}
