using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Client;
using OpenIddict.Client.AspNetCore;
using Telehealth.Identity.Storage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Telehealth.Identity.Federation;

/// <summary>
/// Sending a person to their hospital's login server, and taking them back: OpenIddict's client validates the
/// response (state, issuer, code exchange with PKCE, identity token signature and nonce, userinfo subject) before
/// <see cref="CallbackAsync"/> sees it.
/// </summary>
public static class HospitalEndpoints
{
    private const string ClientScheme = OpenIddictClientAspNetCoreDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapHospitalFederation(this IEndpointRouteBuilder app)
    {
        // OpenIddict checks the state token, which binds the response to the browser that started the sign-in.
        app.MapMethods("/account/hospital/{key}/callback", [HttpMethods.Get, HttpMethods.Post], CallbackAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>What a challenge to <paramref name="hospital"/> needs; the person comes back to <paramref name="returnUrl"/>.</summary>
    private static AuthenticationProperties ChallengeProperties(Hospital hospital, string returnUrl) =>
        new(new Dictionary<string, string?> { [OpenIddictClientAspNetCoreConstants.Properties.RegistrationId] = hospital.Key })
        {
            RedirectUri = IsLocal(returnUrl) ? returnUrl : "/",
        };

    /// <summary>Where a person goes when their hospital's login server cannot be used.</summary>
    public const string UnavailablePage = "/account/notice/unavailable";

    /// <summary>
    /// Sends the browser to the hospital's login server (true); or, when its discovery document cannot be had or
    /// names another issuer than the configured one, writes nothing and sends no one there (false).
    /// </summary>
    public static async Task<bool> TryChallengeAsync(HttpContext http, Hospital hospital, string returnUrl)
    {
        // The challenge would write OpenIddict's bare error response itself; asking for the discovery document first
        // (OpenIddict caches it for the challenge) lets the person see a notice instead. OpenIddict refuses a document
        // whose issuer differs from the registration's.
        try
        {
            await http.RequestServices.GetRequiredService<OpenIddictClientService>()
                .GetServerConfigurationByRegistrationIdAsync(hospital.Key, http.RequestAborted);
        }
        catch (Exception exception) when (exception is InvalidOperationException or OpenIddictExceptions.ProtocolException or HttpRequestException)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HospitalEndpoints).FullName!)
                .LogError(exception, "The login server of {Hospital} ({Issuer}) could not be used", hospital.Key, hospital.Issuer);
            return false;
        }
        await http.ChallengeAsync(ClientScheme, ChallengeProperties(hospital, returnUrl));
        return true;
    }

    private static async Task<IResult> CallbackAsync(string key, HttpContext http, HospitalDirectory hospitals,
        HospitalAccounts accounts, UserManager<PlatformUser> users, SignInManager<PlatformUser> signIn, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(HospitalEndpoints).FullName!);
        if (hospitals.Find(key) is not { } hospital) return Results.NotFound();

        var result = await http.AuthenticateAsync(ClientScheme);
        var upstream = result.Principal;
        if (!result.Succeeded || upstream is null || upstream.GetClaim(Claims.Private.RegistrationId) != hospital.Key)
        {
            logger.LogWarning("Hospital sign-in from {Hospital} refused from {RemoteIp}: {Error} {Description}",
                key, http.Connection.RemoteIpAddress, Property(result, OpenIddictClientAspNetCoreConstants.Properties.Error) ?? result.Failure?.Message,
                Property(result, OpenIddictClientAspNetCoreConstants.Properties.ErrorDescription));
            return Results.Redirect("/account/notice/failed");
        }

        var user = await accounts.FindOrLinkAsync(hospital, upstream);
        // Who signed in, from which hospital and which address: what the sign-in log records for every outcome.
        void Log(string outcome) => logger.LogInformation(
            "Hospital sign-in {Outcome}: {Hospital} subject {UpstreamSubject} is account {UserId} ({UserName}), from {RemoteIp}",
            outcome, hospital.Key, upstream.GetClaim(Claims.Subject), user.Id, user.UserName, http.Connection.RemoteIpAddress);

        var refusal = user.Status switch
        {
            AccountStatus.PendingApproval => "pending",
            AccountStatus.Rejected => "rejected",
            _ when !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user) => "denied",
            _ => null,
        };
        if (refusal is not null)
        {
            Log("refused (" + refusal + ")");
            return Results.Redirect("/account/notice/" + refusal);
        }

        await accounts.SyncMappedRolesAsync(user, hospital, upstream);
        // The session is ours, like a password sign-in; "amr" records that the hospital authenticated the person.
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: "hospital:" + hospital.Key);
        Log("succeeded");

        var returnUrl = result.Properties?.RedirectUri;
        return Results.Redirect(returnUrl is not null && IsLocal(returnUrl) ? returnUrl : "/");
    }

    private static string? Property(AuthenticateResult result, string name) =>
        result.Properties?.Items.TryGetValue(name, out var value) == true ? value : null;

    // Only a path on this service: the return address must never turn the callback into an open redirector.
    private static bool IsLocal(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
