using System.Diagnostics;
using System.Text.Json;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>
/// npm's openid-client, the reference relying party, against our server: discovery with issuer check, client
/// credentials, code + PKCE with the iss parameter checked on the authorization response, and refresh.
/// </summary>
public sealed class OpenIdClientTests(SqliteTestStore store) : IClassFixture<SqliteTestStore>
{
    private string Issuer => store.Host.BaseUrl + "/";

    /// <summary>rp.mjs, copied once into the folder where ./test.sh installed openid-client (so Node resolves the package).</summary>
    private static readonly Lazy<string> Script = new(() =>
    {
        var folder = Environment.GetEnvironmentVariable("OPENID_CLIENT_DIR")
                     ?? throw new InvalidOperationException("OPENID_CLIENT_DIR is not set: run the tests through ./test.sh, which installs npm's openid-client.");
        var script = Path.Combine(folder, "rp.mjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "OpenIdClient", "rp.mjs"), script, overwrite: true);
        return script;
    });

    private static async Task<JsonElement> RpAsync(params string[] args)
    {
        var script = Script.Value;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode != 0) throw new Xunit.Sdk.XunitException($"openid-client {args[0]} failed: {await errors}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }

    [Fact]
    public async Task Client_credentials_through_openid_client()
    {
        var tokens = await RpAsync("client-credentials", Issuer, "demo-system", "demo-system-secret", "system/*.rs");
        var access = await Oidc.ValidateAsync(store.Host, tokens.GetProperty("access_token").GetString()!, audience: "telehealth-fhir");
        Assert.Equal("demo-system", access.Subject);
        Assert.Equal("system/*.rs", access.GetClaim("scope").Value);
    }

    [Fact]
    public async Task Code_with_PKCE_then_refresh_through_openid_client()
    {
        var start = await RpAsync("authorize", Issuer, Oidc.WebClient, Oidc.WebSecret, Oidc.WebRedirect, "openid profile offline_access fhirUser user/*.rs");
        var url = new Uri(start.GetProperty("url").GetString()!);
        Assert.Equal("S256", Oidc.Query(url)["code_challenge_method"]);

        using var browser = store.Host.NewBrowser();
        var callback = await Oidc.SignInThroughAsync(browser, url.PathAndQuery.TrimStart('/'), "bs.chuyenkhoa");
        Assert.Equal(Issuer, Oidc.Query(callback)["iss"]);
        var tokens = await RpAsync("redeem", Issuer, Oidc.WebClient, Oidc.WebSecret, callback.AbsoluteUri,
            start.GetProperty("verifier").GetString()!, start.GetProperty("state").GetString()!);
        Assert.Equal("Practitioner/bs-ngo-van-tai", tokens.GetProperty("claims").GetProperty("fhirUser").GetString());
        var access = await Oidc.ValidateAsync(store.Host, tokens.GetProperty("access_token").GetString()!, audience: "telehealth-fhir");
        Assert.Equal("specialist", access.GetClaim("role").Value);

        var refreshed = await RpAsync("refresh", Issuer, Oidc.WebClient, Oidc.WebSecret, tokens.GetProperty("refresh_token").GetString()!);
        Assert.NotEqual(tokens.GetProperty("refresh_token").GetString(), refreshed.GetProperty("refresh_token").GetString());
        await Oidc.ValidateAsync(store.Host, refreshed.GetProperty("access_token").GetString()!, audience: "telehealth-fhir");
        // The spent refresh token is refused by openid-client's own request too.
        await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() =>
            RpAsync("refresh", Issuer, Oidc.WebClient, Oidc.WebSecret, tokens.GetProperty("refresh_token").GetString()!));
    }
}
