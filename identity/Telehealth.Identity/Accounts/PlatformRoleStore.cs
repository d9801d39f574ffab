using Microsoft.AspNetCore.Identity;

namespace Telehealth.Identity.Accounts;

public static class PlatformRoleStore
{
    /// <summary>
    /// Creates the role if it does not exist yet: roles exist only where demo data was seeded, so a deployment gets
    /// each one the first time it is given.
    /// </summary>
    public static async Task EnsureRoleAsync(this RoleManager<IdentityRole> roles, string role)
    {
        if (await roles.RoleExistsAsync(role)) return;
        var created = await roles.CreateAsync(new IdentityRole(role));
        // Another request (or instance) creating it in between leaves it existing, which is all that was asked.
        if (created.Succeeded || (created.Errors.Any() && created.Errors.All(e => e.Code == nameof(IdentityErrorDescriber.DuplicateRoleName)))) return;
        throw new InvalidOperationException($"Creating role {role} failed: {string.Join("; ", created.Errors.Select(e => e.Description))}");
    }
}
