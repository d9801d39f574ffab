using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Telehealth.Identity.Keys;
using Telehealth.Identity.Tests.Infrastructure;

namespace Telehealth.Identity.Tests;

/// <summary>Signing keys rotate with an overlap: the new key signs, the old one stays published until its tokens are gone.</summary>
public sealed class KeyRotationTests(FixedIssuerSqliteStore store) : IClassFixture<FixedIssuerSqliteStore>
{
    private static async Task<List<string>> PublishedKeyIdsAsync(IdentityServiceHost host) =>
        JsonDocument.Parse(await host.Client.GetStringAsync(".well-known/jwks")).RootElement.GetProperty("keys")
            .EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();

    [Fact]
    public async Task After_a_rotation_the_new_key_signs_and_tokens_signed_by_the_old_one_still_validate()
    {
        var before = store.Host;
        var oldToken = (await Oidc.ServiceTokenAsync(before, "system/*.rs")).AccessToken;
        var oldKid = new JsonWebToken(oldToken).Kid;
        Assert.Equal([oldKid], await PublishedKeyIdsAsync(before));

        var newKid = TokenKeyFolder.RotateSigningKey(store.KeyFolder);
        var after = store.Restart();

        Assert.Equal([newKid, oldKid], await PublishedKeyIdsAsync(after));
        var newToken = (await Oidc.ServiceTokenAsync(after, "system/*.rs")).AccessToken;
        Assert.Equal(newKid, new JsonWebToken(newToken).Kid);
        await Oidc.ValidateAsync(after, newToken, audience: "telehealth-fhir");
        await Oidc.ValidateAsync(after, oldToken, audience: "telehealth-fhir");
    }

    [Fact]
    public void Once_the_overlap_has_passed_the_replaced_key_is_retired_and_no_longer_published()
    {
        var folder = Path.Combine(Path.GetTempPath(), "telehealth-identity-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var first = new TokenKeyFolder(folder).SigningKey.KeyId;
            var second = TokenKeyFolder.RotateSigningKey(folder);

            var withinOverlap = new TokenKeyFolder(folder, TimeSpan.FromHours(1));
            Assert.Equal([second, first], withinOverlap.PublishedSigningKeys.Select(k => k.KeyId));

            var later = new FixedClock(DateTimeOffset.UtcNow.AddHours(2));
            var afterOverlap = new TokenKeyFolder(folder, TimeSpan.FromHours(1), later);
            Assert.Equal(second, afterOverlap.SigningKey.KeyId);
            Assert.Equal([second], afterOverlap.PublishedSigningKeys.Select(k => k.KeyId));
            Assert.True(File.Exists(Path.Combine(folder, "retired", "signing-rsa.pem")));
            // Later starts neither bring the retired key back nor make a new first key.
            var restarted = new TokenKeyFolder(folder, TimeSpan.FromHours(1), later);
            Assert.Equal([second], restarted.PublishedSigningKeys.Select(k => k.KeyId));
            Assert.False(File.Exists(Path.Combine(folder, "signing-rsa.pem")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
