using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Pages.Admin;

/// <summary>
/// Accounts created by a first hospital sign-in that matched no one: a facility administrator of the hospital's
/// Organization (or a platform administrator) links each to its Practitioner with a role, or rejects it.
/// </summary>
[Authorize(Roles = $"{PlatformRoles.FacilityAdmin},{PlatformRoles.PlatformAdmin}")]
public sealed partial class PendingAccountsModel(UserManager<PlatformUser> users, RoleManager<IdentityRole> roles,
    IdentityStore store, ILogger<PendingAccountsModel> logger) : PageModel
{
    public sealed record PendingAccount(string Id, string Name, string? Hospital, string? Licence, string? Email);

    public SignInText Language { get; private set; } = SignInText.Vietnamese;

    public FederationText Text { get; private set; } = FederationText.Vietnamese;

    public IReadOnlyList<PendingAccount> Accounts { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    /// <summary>platform_admin is never granted from here (see Hospital.Roles for the same rule on hospital groups).</summary>
    public IReadOnlyList<string> GrantableRoles { get; } = PlatformRoles.All.Where(r => r != PlatformRoles.PlatformAdmin).ToList();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostApproveAsync(string? id, string? practitioner, string? role)
    {
        if (await ManageableAsync(id) is not var (admin, account)) return NotFound();
        practitioner = practitioner?.Trim();
        if (practitioner is null || !PractitionerReference().IsMatch(practitioner)) return await PageWithErrorAsync(Text.InvalidPractitioner);
        if (role is null || !GrantableRoles.Contains(role)) return await PageWithErrorAsync(Text.InvalidRole);

        // Role, link and status together: a half-approved account (a role but still pending, or active without a role) never exists.
        await using (var transaction = await store.Database.BeginTransactionAsync())
        {
            await HospitalAccounts.EnsureRoleAsync(roles, role);
            Check(await users.AddToRoleAsync(account, role));
            (account.FhirUser, account.Status) = (practitioner, AccountStatus.Active);
            Check(await users.UpdateAsync(account));
            await transaction.CommitAsync();
        }
        logger.LogInformation("{Admin} approved account {UserId} ({Licence}) as {Role} {Practitioner}",
            admin.UserName, account.Id, account.Licence, role, practitioner);
        Message = string.Format(Text.ApprovedFormat, account.DisplayName);
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRejectAsync(string? id)
    {
        if (await ManageableAsync(id) is not var (admin, account)) return NotFound();
        account.Status = AccountStatus.Rejected;
        Check(await users.UpdateAsync(account));
        logger.LogInformation("{Admin} rejected account {UserId} ({Licence})", admin.UserName, account.Id, account.Licence);
        Message = string.Format(Text.RejectedFormat, account.DisplayName);
        await LoadAsync();
        return Page();
    }

    private async Task<IActionResult> PageWithErrorAsync(string error)
    {
        Error = error;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Language = SignInText.For(HttpContext);
        Text = FederationText.For(Language);
        // Roles read fresh: a sign-in cookie may predate a role being taken away.
        var admin = await users.GetUserAsync(User);
        if (admin is null) return;
        var everywhere = await users.IsInRoleAsync(admin, PlatformRoles.PlatformAdmin);
        var facility = !everywhere && await users.IsInRoleAsync(admin, PlatformRoles.FacilityAdmin) ? admin.Organization : null;
        if (!everywhere && facility is null) return;
        var pending = await users.Users
            .Where(u => u.Status == AccountStatus.PendingApproval && (everywhere || u.Organization == facility))
            .OrderBy(u => u.DisplayName).Take(200).ToListAsync();
        var rows = new List<PendingAccount>();
        foreach (var account in pending)
        {
            var hospital = (await users.GetLoginsAsync(account)).FirstOrDefault()?.ProviderDisplayName;
            rows.Add(new(account.Id, account.DisplayName ?? account.UserName!, hospital, account.Licence, account.Email));
        }
        Accounts = rows;
    }

    /// <summary>The pending account, if the signed-in administrator may decide on it; read fresh, not from the cookie.</summary>
    private async Task<(PlatformUser Admin, PlatformUser Account)?> ManageableAsync(string? id)
    {
        Language = SignInText.For(HttpContext);
        Text = FederationText.For(Language);
        var admin = await users.GetUserAsync(User);
        var account = id is null ? null : await users.FindByIdAsync(id);
        if (admin is null || account is not { Status: AccountStatus.PendingApproval }) return null;
        if (await users.IsInRoleAsync(admin, PlatformRoles.PlatformAdmin)) return (admin, account);
        var sameFacility = admin.Organization is not null && admin.Organization == account.Organization;
        return sameFacility && await users.IsInRoleAsync(admin, PlatformRoles.FacilityAdmin) ? (admin, account) : null;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    [GeneratedRegex("^Practitioner/[A-Za-z0-9.-]{1,64}$")]
    private static partial Regex PractitionerReference();
}
