using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Demo;

public static class DemoData
{
    /// <summary>With <c>Demo:Load=true</c>, seeds the demo roles, accounts, scopes and clients at start-up.</summary>
    public static IServiceCollection AddDemoData(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue("Demo:Load", false)) services.AddHostedService<DemoSeeder>();
        return services;
    }
}

/// <summary>
/// Seeds idempotently: whatever already exists is left alone, so restarts (and several instances) are harmless.
/// Runs in <see cref="StartAsync"/>, after the schema migrator, so the service takes no request before it is done.
/// </summary>
internal sealed class DemoSeeder(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await SeedRolesAsync(services.GetRequiredService<RoleManager<IdentityRole>>());
        await SeedAccountsAsync(services.GetRequiredService<UserManager<PlatformUser>>());
        await SeedScopesAsync(services.GetRequiredService<IOpenIddictScopeManager>(), cancellationToken);
        await SeedClientsAsync(services.GetRequiredService<IOpenIddictApplicationManager>(), cancellationToken);
        logger.LogInformation("Demo accounts, scopes and clients are in place");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task SeedRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in PlatformRoles.All)
            await roles.EnsureRoleAsync(role);
    }

    private async Task SeedAccountsAsync(UserManager<PlatformUser> users)
    {
        foreach (var account in DemoAccounts.From(configuration))
        {
            if (await users.FindByNameAsync(account.UserName) is { } existing)
            {
                // A demo database from an earlier version keeps its passwords but follows the current links.
                if (existing.FhirUser == account.FhirUser && existing.Organization == account.Organization
                    && existing.DisplayName == account.DisplayName && existing.Licence == account.Licence) continue;
                (existing.FhirUser, existing.Organization, existing.DisplayName, existing.Licence) =
                    (account.FhirUser, account.Organization, account.DisplayName, account.Licence);
                Check(await users.UpdateAsync(existing), account.UserName);
                continue;
            }
            var user = new PlatformUser
            {
                UserName = account.UserName,
                DisplayName = account.DisplayName,
                FhirUser = account.FhirUser,
                Organization = account.Organization,
                Licence = account.Licence,
            };
            Check(await users.CreateAsync(user, DemoAccounts.Password), account.UserName);
            Check(await users.AddToRoleAsync(user, account.Role), account.UserName);
        }
    }

    private static async Task SeedScopesAsync(IOpenIddictScopeManager manager, CancellationToken cancellationToken)
    {
        foreach (var descriptor in DemoClients.Scopes())
            if (await manager.FindByNameAsync(descriptor.Name!, cancellationToken) is null)
                await manager.CreateAsync(descriptor, cancellationToken);
    }

    private async Task SeedClientsAsync(IOpenIddictApplicationManager manager, CancellationToken cancellationToken)
    {
        foreach (var descriptor in DemoClients.Applications(configuration))
            if (await manager.FindByClientIdAsync(descriptor.ClientId!, cancellationToken) is null)
                await manager.CreateAsync(descriptor, cancellationToken);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Demo seeding failed for {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}
