using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>A restart keeps the keys: tokens issued before it still validate and still refresh after it.</summary>
public sealed class RestartTests(FixedIssuerSqliteStore store) : IClassFixture<FixedIssuerSqliteStore>
{
    [Fact]
    public async Task Tokens_issued_before_a_restart_validate_and_refresh_after_it()
    {
        var before = store.Host;
        var kidBefore = await KeyIdAsync(before);
        var serviceToken = (await Oidc.ServiceTokenAsync(before, "system/*.cruds")).AccessToken;
        var userTokens = await SignInAsync(before);

        var after = store.Restart();

        Assert.NotEqual(before.BaseUrl, after.BaseUrl); // really a new server, on a new port
        Assert.Equal(kidBefore, await KeyIdAsync(after));
        var validated = await Oidc.ValidateAsync(after, serviceToken, audience: "telehealth-fhir");
        Assert.Equal("demo-system", validated.Subject);
        // The refresh token is encrypted with the persisted encryption key: it must still open, and rotate.
        var refreshed = await Oidc.RefreshAsync(after.Client, Oidc.WebClient, Oidc.WebSecret, userTokens.RefreshToken);
        await Oidc.ValidateAsync(after, refreshed.AccessToken, audience: "telehealth-fhir");
        Assert.True(File.Exists(Path.Combine(store.KeyFolder, "signing-rsa.pem")));
    }

    [Fact]
    public async Task Seeding_the_demo_again_on_restart_adds_nothing()
    {
        var before = await CountsAsync(store.Host);

        var after = await CountsAsync(store.Restart());

        Assert.Equal((6, 6, 3, 11), before); // accounts, roles, clients, scopes
        Assert.Equal(before, after);
    }

    private static async Task<(int Users, int Roles, int Clients, int Scopes)> CountsAsync(IdentityServiceHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var store = services.GetRequiredService<Telehealth.Identity.Storage.IdentityStore>();
        return (await store.Users.CountAsync(), await store.Roles.CountAsync(),
            (int)await services.GetRequiredService<IOpenIddictApplicationManager>().CountAsync(),
            (int)await services.GetRequiredService<IOpenIddictScopeManager>().CountAsync());
    }

    private static async Task<string> KeyIdAsync(IdentityServiceHost host)
    {
        var jwks = JsonDocument.Parse(await host.Client.GetStringAsync(".well-known/jwks")).RootElement;
        return Assert.Single(jwks.GetProperty("keys").EnumerateArray()).GetProperty("kid").GetString()!;
    }

    private static async Task<TokenResponse> SignInAsync(IdentityServiceHost host)
    {
        using var browser = host.NewBrowser();
        var pkce = Pkce.New();
        var callback = await Oidc.SignInThroughAsync(browser,
            Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, "openid offline_access user/*.rs", "s", pkce), "admin");
        Assert.Equal(FixedIssuerSqliteStore.FixedIssuer, Oidc.Query(callback)["iss"]);
        return await Oidc.TokenAsync(host.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["redirect_uri"] = Oidc.WebRedirect,
            ["code"] = Oidc.Query(callback)["code"],
            ["code_verifier"] = pkce.Verifier,
        }, Oidc.WebClient, Oidc.WebSecret);
    }
}
