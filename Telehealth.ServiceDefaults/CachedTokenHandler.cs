using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Telehealth.ServiceDefaults;

/// <summary>
/// Checks access tokens as <see cref="JsonWebTokenHandler"/> does (issuer, audience, lifetime, signature), and
/// remembers a token that passed, by its exact text, until it expires or <see cref="MaxAge"/> has passed, whichever
/// is sooner. A client sends the same token with every request for its lifetime; checking it again each time
/// (decoding, an RSA signature, building its claims) was a third of the cost of a read by id. A refused token is
/// never remembered, and any change to a token's text is a different token. What the cache trades: a signing key
/// withdrawn from the identity service's key set stops being honoured up to <see cref="MaxAge"/> later.
/// </summary>
public sealed class CachedTokenHandler(TimeProvider clock) : JsonWebTokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(2);

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(token, out Entry? hit) && hit is not null && hit.Until > now) return hit.Copy();
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is { } identity)
        {
            var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            var until = expires < now + MaxAge ? expires : now + MaxAge;
            if (until > now)
                cache.Set(token, new Entry(identity.Clone(), jwt, result.Issuer, until),
                    new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
        }
        return result;
    }

    private sealed record Entry(System.Security.Claims.ClaimsIdentity Identity, JsonWebToken Token, string? Issuer, DateTimeOffset Until)
    {
        // Each request gets its own identity, so nothing one request does to its principal reaches another.
        public TokenValidationResult Copy() => new()
        {
            IsValid = true,
            ClaimsIdentity = Identity.Clone(),
            SecurityToken = Token,
            Issuer = Issuer,
            TokenType = Token.Typ,
        };
    }
}
