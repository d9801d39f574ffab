using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Telehealth.Identity.Endpoints;

/// <summary>
/// The OpenID Connect endpoints that need to know about people: OpenIddict validates each request (client, redirect
/// URI, PKCE, scopes, grants) before it reaches these handlers, and writes the response from what they return.
/// </summary>
public static class ConnectEndpoints
{
    private const string OpenIddictScheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        // OpenIddict has already validated these requests; antiforgery does not apply to protocol endpoints.
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize).DisableAntiforgery();
        app.MapPost("/connect/token", Exchange).DisableAntiforgery();
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], EndSession).DisableAntiforgery();
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfo).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> Authorize(HttpContext http, UserManager<PlatformUser> users,
        SignInManager<PlatformUser> signIn, TokenClaims claims, HospitalDirectory hospitals, TwoFactorRules twoFactor)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = session.Succeeded ? await users.GetUserAsync(session.Principal) : null;
        var tooOld = request.MaxAge is { } maxAge && session.Properties?.IssuedUtc is { } issued
            && DateTimeOffset.UtcNow - issued > TimeSpan.FromSeconds(maxAge);

        // A session that is locked or disabled since, or was opened with a password alone by someone who must use a
        // second factor, counts as none: the person signs in again (and is asked for the code, or to set one up).
        if (user is null || tooOld || request.HasPromptValue(PromptValues.Login) || !await signIn.CanSignInAsync(user)
            || await users.IsLockedOutAsync(user) || !await twoFactor.AllowsAsync(users, user, session.Principal!))
        {
            if (request.HasPromptValue(PromptValues.None))
                return Refuse(Errors.LoginRequired, "The user is not signed in.");

            // Back to this same request after the sign-in page, without prompt=login so it does not loop.
            var parameters = (http.Request.HasFormContentType ? http.Request.Form.AsEnumerable() : http.Request.Query)
                .Where(p => p.Key != Parameters.Prompt).ToList();
            var prompt = string.Join(' ', request.GetPromptValues().Remove(PromptValues.Login));
            if (prompt.Length > 0) parameters.Add(KeyValuePair.Create(Parameters.Prompt, new StringValues(prompt)));

            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);

            // idp=<hospital key>: the client already knows the person signs in at that hospital, so no choice page.
            if (hospitals.Find((string?)request[FederationParameters.IdentityProvider]) is { } hospital)
                return await HospitalEndpoints.TryChallengeAsync(http, hospital, returnUrl)
                    ? Results.Empty : Results.Redirect(HospitalEndpoints.UnavailablePage);

            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [IdentityConstants.ApplicationScheme]);
        }

        // Platform clients are first-party: consent is implicit, so no consent page. OpenIddict creates an ad-hoc
        // authorization per flow, which ties the code, its refresh tokens and their rotations into one revocable chain.
        var identity = await claims.ForUserAsync(user, request.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictScheme);
    }

    private static async Task<IResult> Exchange(HttpContext http, UserManager<PlatformUser> users,
        SignInManager<PlatformUser> signIn, TokenClaims claims, IOpenIddictApplicationManager applications)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has checked the secret and that the client may use each requested scope.
            var application = await applications.FindByClientIdAsync(request.ClientId!)
                ?? throw new InvalidOperationException("The authenticated client is not registered.");
            var identity = await claims.ForClientAsync(request.ClientId!,
                await applications.GetDisplayNameAsync(application), request.GetScopes());
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The principal stored in the code or refresh token; OpenIddict has already checked it is unspent and unrevoked.
            var stored = await http.AuthenticateAsync(OpenIddictScheme);
            var user = stored.Principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
            if (user is null)
                return Refuse(Errors.InvalidGrant, "The account no longer exists.");
            // A locked or disabled account stops renewing at its next refresh.
            if (!await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
                return Refuse(Errors.InvalidGrant, "The account may no longer sign in.");
            // A new security stamp (account disabled, password or second factor changed) ends the sessions begun before it.
            if (stored.Principal!.GetClaim(users.Options.ClaimsIdentity.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
                return Refuse(Errors.InvalidGrant, "The account has changed since this grant was issued; sign in again.");

            var identity = await claims.ForUserAsync(user, stored.Principal!.GetScopes());
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> EndSession(HttpContext http, SignInManager<PlatformUser> signIn)
    {
        // Ends the session at the identity service; OpenIddict then sends the browser to the client's registered
        // post_logout_redirect_uri (checked against the client), or to the home page.
        await signIn.SignOutAsync();
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictScheme]);
    }

    private static async Task<IResult> UserInfo(HttpContext http, UserManager<PlatformUser> users)
    {
        // OpenIddict has validated the bearer access token; this is the principal it carried.
        var token = await http.AuthenticateAsync(OpenIddictScheme);
        var user = token.Principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
        if (user is null)
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The token does not belong to a person's account.",
            }), [OpenIddictScheme]);

        // What the granted scopes allow, read fresh from the account.
        var granted = token.Principal!;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (granted.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.DisplayName ?? user.UserName!;
            claims[Claims.PreferredUsername] = user.UserName!;
        }
        if (user.FhirUser is not null && (granted.HasScope(PlatformScopes.FhirUser) || granted.HasScope(Scopes.Profile)))
            claims[PlatformClaims.FhirUser] = user.FhirUser;
        if (user.Organization is not null) claims[PlatformClaims.Organization] = user.Organization;
        claims[Claims.Role] = await users.GetRolesAsync(user);
        return Results.Json(claims);
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictScheme]);
}
