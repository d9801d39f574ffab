using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Accounts;

/// <summary>
/// Whose staff accounts an administrator manages: a facility administrator their own facility's (the
/// <c>Organization</c> of their account), a platform administrator every facility's.
/// </summary>
public sealed record StaffScope(string? Facility, bool AllFacilities)
{
    public bool Covers(string? organization) => AllFacilities || (organization is not null && organization == Facility);

    /// <summary>Read from the account each time, so a role or facility changed a minute ago counts at once.</summary>
    public static async Task<StaffScope?> OfAsync(UserManager<PlatformUser> users, ClaimsPrincipal principal)
    {
        if (await users.GetUserAsync(principal) is not { } actor || await users.IsLockedOutAsync(actor)) return null;
        var roles = await users.GetRolesAsync(actor);
        if (roles.Contains(PlatformRoles.PlatformAdmin)) return new(null, AllFacilities: true);
        if (roles.Contains(PlatformRoles.FacilityAdmin) && actor.Organization is { } facility) return new(facility, AllFacilities: false);
        return null;
    }
}

public static class StaffAdministration
{
    /// <summary>The pages under /admin/staff: a signed-in administrator, with two steps where the rules ask for them.</summary>
    public const string Policy = "staff-administration";

    /// <summary>The roles a facility administrator gives and takes away.</summary>
    public static readonly IReadOnlyList<string> StaffRoles =
        [PlatformRoles.CommuneDoctor, PlatformRoles.Specialist, PlatformRoles.Coordinator, PlatformRoles.FacilityAdmin];

    public static IServiceCollection AddStaffAdministration(this IServiceCollection services)
    {
        services.AddScoped<StaffAccounts>();
        services.AddOptions<AuthorizationOptions>().Configure<TwoFactorRules>((options, twoFactor) =>
            options.AddPolicy(Policy, policy => policy
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(PlatformRoles.FacilityAdmin, PlatformRoles.PlatformAdmin)
                // A session opened before the second factor became required for this person does not administer anything.
                .RequireAssertion(context => TwoFactorRules.SatisfiedBy(context.User) || !twoFactor.AppliesTo(RolesOf(context.User)))));

        return services;
    }

    private static IEnumerable<string> RolesOf(ClaimsPrincipal user) =>
        user.Identities.SelectMany(identity => identity.FindAll(identity.RoleClaimType)).Select(claim => claim.Value);
}
