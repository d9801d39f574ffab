using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Accounts;

/// <summary>
/// Who must sign in with an authenticator code: <c>Identity:TwoFactor:Required</c> (on in production; off by default
/// in demo mode, <c>Demo:Load=true</c>, so the demo logins of ./run.sh work with a password alone) and
/// <c>Identity:TwoFactor:RequiredRoles</c> (default: the five staff roles; patients may turn it on for themselves).
/// </summary>
public sealed record TwoFactorRules(bool Required, IReadOnlySet<string> RequiredRoles)
{
    public static readonly IReadOnlyList<string> StaffRoles =
    [
        PlatformRoles.CommuneDoctor, PlatformRoles.Specialist, PlatformRoles.Coordinator,
        PlatformRoles.FacilityAdmin, PlatformRoles.PlatformAdmin,
    ];

    /// <summary>What SignInManager puts in the session after the second factor: <c>"amr": "mfa"</c>.</summary>
    public const string AuthenticationMethodReference = "amr";

    public const string MultiFactor = "mfa";

    public static TwoFactorRules From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Identity:TwoFactor");
        var required = section.GetValue<bool?>("Required") ?? !configuration.GetValue("Demo:Load", false);
        // Either a list (RequiredRoles:0, :1, ... or a JSON array) or one comma-separated string (an environment variable).
        var roles = section.GetSection("RequiredRoles");
        IEnumerable<string> names = roles.Value is { } csv
            ? csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : roles.GetChildren().Select(child => child.Value).OfType<string>();
        var list = names.ToHashSet(StringComparer.Ordinal);
        return new(required, roles.Exists() ? list : StaffRoles.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Whether a person holding these roles must use a second factor.</summary>
    public bool AppliesTo(IEnumerable<string> roles) => Required && roles.Any(RequiredRoles.Contains);

    /// <summary>
    /// Whether a session satisfies the rule: it was opened with the second factor, or by a hospital's own login
    /// (federation, which names its provider as the authentication method and answers for its own factors).
    /// </summary>
    public static bool SatisfiedBy(ClaimsPrincipal session) =>
        session.HasClaim(AuthenticationMethodReference, MultiFactor) || session.HasClaim(c => c.Type == ClaimTypes.AuthenticationMethod);

    /// <summary>A session that may be used for what this person does, given their current roles.</summary>
    public async Task<bool> AllowsAsync(UserManager<PlatformUser> users, PlatformUser user, ClaimsPrincipal session) =>
        SatisfiedBy(session) || !AppliesTo(await users.GetRolesAsync(user));

    /// <summary>A person who must use a second factor and has not set one up yet.</summary>
    public async Task<bool> MustEnrolAsync(UserManager<PlatformUser> users, PlatformUser user) =>
        !await users.GetTwoFactorEnabledAsync(user) && AppliesTo(await users.GetRolesAsync(user));
}

public static class TwoFactorSignIn
{
    /// <summary>Extra minutes for the step between the password and the code: enrolment means installing an app.</summary>
    private static readonly TimeSpan PendingStep = TimeSpan.FromMinutes(15);

    /// <summary>The rules, single-use authenticator codes, and the cookie that carries a person between the password and the code.</summary>
    public static IServiceCollection AddTwoFactorSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TwoFactorRules.From(configuration));
        services.TryAddSingleton(TimeProvider.System);
        // Identity's authenticator provider (TokenOptions.DefaultAuthenticatorProvider), with each code accepted once.
        services.AddTransient<SingleUseAuthenticatorTokenProvider>();
        services.Configure<IdentityOptions>(o => o.Tokens.ProviderMap[TokenOptions.DefaultAuthenticatorProvider] =
            new TokenProviderDescriptor(typeof(SingleUseAuthenticatorTokenProvider)));
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o => o.ExpireTimeSpan = PendingStep);
        return services;
    }

    /// <summary>
    /// After the password of someone who must use a second factor and has none: no session, only Identity's two-factor
    /// cookie (the one SignInManager writes between the password and the code), which opens the enrolment page alone.
    /// </summary>
    public static async Task BeginEnrolmentAsync(HttpContext http, PlatformUser user)
    {
        // Whoever was signed in on this browser before does not stay signed in behind the new person.
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id));
        await http.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The person between the password and the second factor on this browser, if any.</summary>
    public static async Task<PlatformUser?> PendingAsync(HttpContext http, UserManager<PlatformUser> users)
    {
        var step = await http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        return step.Principal?.FindFirstValue(ClaimTypes.Name) is { } id ? await users.FindByIdAsync(id) : null;
    }

    /// <summary>Ends the step between password and code with a two-step session, as SignInManager does after a code.</summary>
    public static async Task CompleteAsync(HttpContext http, SignInManager<PlatformUser> signIn, PlatformUser user)
    {
        await http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(TwoFactorRules.AuthenticationMethodReference, TwoFactorRules.MultiFactor)]);
    }
}
