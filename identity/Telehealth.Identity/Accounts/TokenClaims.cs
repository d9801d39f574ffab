using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Telehealth.Identity.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Telehealth.Identity.Accounts;

/// <summary>Turns an account (or a calling service) into the claims OpenIddict writes into tokens, and says which token gets which.</summary>
public sealed class TokenClaims(UserManager<PlatformUser> users, IOpenIddictScopeManager scopeManager)
{
    /// <summary>A person's identity: read fresh from the account each time, so a changed role shows in the next token.</summary>
    public async Task<ClaimsIdentity> ForUserAsync(PlatformUser user, IEnumerable<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, await users.GetUserIdAsync(user))
                .SetClaim(Claims.Name, user.DisplayName ?? await users.GetUserNameAsync(user))
                .SetClaim(Claims.PreferredUsername, await users.GetUserNameAsync(user))
                .SetClaim(PlatformClaims.FhirUser, user.FhirUser)
                .SetClaim(PlatformClaims.Organization, user.Organization)
                .SetClaims(Claims.Role, [.. await users.GetRolesAsync(user)])
                // Kept inside codes and refresh tokens only (see Destinations), to compare when they come back.
                .SetClaim(users.Options.ClaimsIdentity.SecurityStampClaimType, await users.GetSecurityStampAsync(user));
        return await WithScopesAsync(identity, scopes);
    }

    /// <summary>A service acting for itself (client credentials): the subject is the client.</summary>
    public Task<ClaimsIdentity> ForClientAsync(string clientId, string? displayName, IEnumerable<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, clientId)
                .SetClaim(Claims.Name, displayName ?? clientId);
        return WithScopesAsync(identity, scopes);
    }

    private async Task<ClaimsIdentity> WithScopesAsync(ClaimsIdentity identity, IEnumerable<string> scopes)
    {
        identity.SetScopes(scopes.ToImmutableArray());
        // Each scope entity names the resource servers it opens; they become the access token's audiences.
        var resources = new List<string>();
        await foreach (var resource in scopeManager.ListResourcesAsync(identity.GetScopes())) resources.Add(resource);
        identity.SetResources(resources.Distinct(StringComparer.Ordinal).ToImmutableArray());
        identity.SetDestinations(Destinations);
        return identity;
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    // OpenIddict writes a claim into no token unless it is given a destination.
    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        Claims.Name or Claims.PreferredUsername when claim.Subject!.HasScope(Scopes.Profile) =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        PlatformClaims.FhirUser when claim.Subject!.HasScope(PlatformScopes.FhirUser) || claim.Subject!.HasScope(Scopes.Profile) =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Role or PlatformClaims.Organization =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        // Never hand out ASP.NET Core Identity's security stamp: it is a secret.
        "AspNet.Identity.SecurityStamp" => [],
        _ => [OpenIddictConstants.Destinations.AccessToken],
    };
}
