using System.Net;
using System.Text.Json;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>What a client or resource server learns before its first request: the discovery document and the keys.</summary>
public sealed class DiscoveryTests(SqliteTestStore store) : IClassFixture<SqliteTestStore>
{
    private IdentityServiceHost Host => store.Host;

    [Fact]
    public async Task Discovery_names_the_issuer_the_endpoints_and_S256_as_the_only_PKCE_method()
    {
        var response = await Host.Client.GetAsync(".well-known/openid-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(Host.Issuer, doc.GetProperty("issuer").GetString());
        foreach (var (name, path) in new[]
        {
            ("authorization_endpoint", "/connect/authorize"), ("token_endpoint", "/connect/token"),
            ("introspection_endpoint", "/connect/introspect"), ("revocation_endpoint", "/connect/revoke"),
            ("end_session_endpoint", "/connect/endsession"), ("userinfo_endpoint", "/connect/userinfo"),
            ("jwks_uri", "/.well-known/jwks"),
        })
            Assert.Equal(Host.BaseUrl + path, doc.GetProperty(name).GetString());

        Assert.Equal(["S256"], Strings(doc, "code_challenge_methods_supported"));
        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], Strings(doc, "grant_types_supported").Order());
        Assert.Equal(["code"], Strings(doc, "response_types_supported"));
        Assert.True(doc.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Superset(new HashSet<string> { "openid", "profile", "offline_access", "fhirUser" }, Strings(doc, "scopes_supported").ToHashSet());
        Assert.Superset(new HashSet<string> { "sub", "role", "fhirUser", "organization" }, Strings(doc, "claims_supported").ToHashSet());
    }

    [Fact]
    public async Task Jwks_publishes_the_public_RSA_signing_key_only()
    {
        var doc = JsonDocument.Parse(await Host.Client.GetStringAsync(".well-known/jwks")).RootElement;
        var keys = doc.GetProperty("keys").EnumerateArray().ToList();

        var key = Assert.Single(keys);
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
        Assert.False(string.IsNullOrEmpty(key.GetProperty("n").GetString()));
        // The private exponent and primes must never leave the server.
        foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi" }) Assert.False(key.TryGetProperty(secret, out _), secret);
    }

    private static string[] Strings(JsonElement doc, string name) =>
        [.. doc.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
