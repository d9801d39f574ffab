using System.Net;
using System.Text.Json.Nodes;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Access;

/// <summary>Every request needs a valid token from the platform's identity service; a bad one is refused and changes nothing.</summary>
public abstract class TokenTests<TStore>(TStore store) : IClassFixture<TStore> where TStore : TestStore
{
    public static TheoryData<string, string?, string> BadTokens => new()
    {
        { "none", null, "needs an access token" },
        { "not a JWT", "not-a-token", "not a valid token" },
        { "expired", TestTokens.Mint("svc", "system/*.cruds", expires: DateTime.UtcNow.AddMinutes(-5)), "expired" },
        { "for another audience", TestTokens.Mint("svc", "system/*.cruds", audience: "telehealth-api"), "audience" },
        { "from another issuer", TestTokens.Mint("svc", "system/*.cruds", issuer: "https://elsewhere.test/"), "not issued by" },
        { "signed by a key that is not ours", TestTokens.Mint("svc", "system/*.cruds", key: TestTokens.StrangerKey), "signature" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_request_with_a_missing_or_bad_token_gets_401_and_changes_nothing(string kind, string? token, string mention)
    {
        var before = await store.Host.Client.LatestChangeAsync();
        var client = store.Host.ClientWith(token);
        foreach (var response in new[]
                 {
                     await client.PostAsync("Patient", FhirHttp.Content("""{"resourceType":"Patient","active":true}""")),
                     await client.GetAsync("Patient"),
                     await client.GetAsync("_history"),
                     // No endpoint at all: refused the same way, not told what exists.
                     await client.GetAsync("/not-a-route"),
                 })
        {
            await FhirHttp.ExpectAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains(mention, await FhirHttp.OutcomeTextAsync(response), StringComparison.OrdinalIgnoreCase);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
        Assert.Equal(before, await store.Host.Client.LatestChangeAsync());
        Assert.NotNull(kind);
    }

    [Fact]
    public async Task The_capability_statement_and_smart_configuration_need_no_token()
    {
        var anonymous = store.Host.ClientWith(null);
        await FhirHttp.ExpectAsync(await anonymous.GetAsync("metadata"), HttpStatusCode.OK);
        var response = await anonymous.GetAsync(".well-known/smart-configuration");
        await FhirHttp.ExpectAsync(response, HttpStatusCode.OK);
        var smart = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(TestTokens.Issuer, smart["issuer"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer + "connect/authorize", smart["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer + "connect/token", smart["token_endpoint"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer + ".well-known/jwks", smart["jwks_uri"]!.GetValue<string>());
        Assert.Equal(["S256"], smart["code_challenge_methods_supported"]!.AsArray().Select(v => v!.GetValue<string>()));
        var capabilities = smart["capabilities"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Contains("permission-v2", capabilities);
        Assert.Contains("client-public", capabilities);
        Assert.Contains("authorization_code", smart["grant_types_supported"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task A_token_accepted_before_is_remembered_only_as_it_was_and_only_while_it_lasts()
    {
        // Checked tokens are remembered (CachedTokenHandler); each variant below must still be checked in full.
        var fresh = TestTokens.Mint("svc", "system/*.cruds");
        for (var i = 0; i < 2; i++) await FhirHttp.ExpectAsync(await store.Host.ClientWith(fresh).GetAsync("Patient"), HttpStatusCode.OK);
        var parts = fresh.Split('.');
        var otherPayload = TestTokens.Mint("another-service", "system/*.cruds").Split('.')[1];
        foreach (var forged in new[] { $"{parts[0]}.{otherPayload}.{parts[2]}", $"{parts[0]}.{parts[1]}.{Flip(parts[2])}", fresh + "x" })
            await FhirHttp.ExpectAsync(await store.Host.ClientWith(forged).GetAsync("Patient"), HttpStatusCode.Unauthorized);
        // A token in its last seconds (of the thirty allowed after expiry) works, and is refused once they have passed.
        var token = TestTokens.Mint("svc", "system/*.cruds", expires: DateTime.UtcNow.AddSeconds(-28));
        await FhirHttp.ExpectAsync(await store.Host.ClientWith(token).GetAsync("Patient"), HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var expired = await store.Host.ClientWith(token).GetAsync("Patient");
        await FhirHttp.ExpectAsync(expired, HttpStatusCode.Unauthorized);
        Assert.Contains("expired", await FhirHttp.OutcomeTextAsync(expired));

        static string Flip(string signature) => (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
    }

    [Fact]
    public async Task A_service_token_without_a_scope_for_the_type_gets_403()
    {
        var observations = store.Host.ClientWith(TestTokens.System("system/Observation.rs"));
        await FhirHttp.ExpectAsync(await observations.GetAsync("Observation"), HttpStatusCode.OK);
        var refused = await observations.GetAsync("Patient");
        await FhirHttp.ExpectAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("system/Patient.s", await FhirHttp.OutcomeTextAsync(refused));
        await FhirHttp.ExpectAsync(await observations.PostAsync("Observation", FhirHttp.Content("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""")),
            HttpStatusCode.Forbidden);
        // A user scope does not open anything to a service token.
        var userScoped = store.Host.ClientWith(TestTokens.System("user/*.cruds"));
        await FhirHttp.ExpectAsync(await userScoped.GetAsync("Observation"), HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteTokenTests(SqliteStore store) : TokenTests<SqliteStore>(store);

public sealed class PostgresTokenTests(PostgresStore store) : TokenTests<PostgresStore>(store);
