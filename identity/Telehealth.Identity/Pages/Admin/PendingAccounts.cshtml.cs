using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Pages.Admin;

/// <summary>
/// Accounts created by a first hospital sign-in that matched no one: a facility administrator of the hospital's
/// Organization (or a platform administrator) links each to its Practitioner with a role, or rejects it.
/// </summary>
[Authorize(Policy = StaffAdministration.Policy)]
public sealed class PendingAccountsModel(UserManager<PlatformUser> users, HospitalAccounts hospitalAccounts,
    ILogger<PendingAccountsModel> logger) : PageModel
{
    // Read once per request, from the account rather than the cookie: a sign-in cookie may predate a role being taken away.
    private StaffScope? scope;

    public SignInText Language { get; private set; } = SignInText.Vietnamese;

    public FederationText Text { get; private set; } = FederationText.Vietnamese;

    /// <summary>Role names as the staff pages word them.</summary>
    public StaffText Staff { get; private set; } = StaffText.Vietnamese;

    public IReadOnlyList<PendingAccount> Accounts { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<string> GrantableRoles => HospitalAccounts.GrantableRoles;

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        Language = SignInText.For(HttpContext);
        Text = FederationText.For(Language);
        Staff = StaffText.For(Language);
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostApproveAsync(string? id, string? practitioner, string? role)
    {
        if (await ManageableAsync(id) is not { } account) return NotFound();
        practitioner = practitioner?.Trim();
        if (practitioner is null || !FhirReferences.Practitioner().IsMatch(practitioner))
            return await PageWithErrorAsync(Text.InvalidPractitioner);
        if (role is null || !GrantableRoles.Contains(role)) return await PageWithErrorAsync(Text.InvalidRole);

        await hospitalAccounts.ApproveAsync(account, practitioner, role);
        logger.LogInformation("{Admin} approved account {UserId} ({Licence}) as {Role} {Practitioner}",
            users.GetUserName(User), account.Id, account.Licence, role, practitioner);
        Message = string.Format(Text.ApprovedFormat, account.DisplayName);
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRejectAsync(string? id)
    {
        if (await ManageableAsync(id) is not { } account) return NotFound();
        await hospitalAccounts.RejectAsync(account);
        logger.LogInformation("{Admin} rejected account {UserId} ({Licence})", users.GetUserName(User), account.Id, account.Licence);
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

    private async Task<StaffScope?> ScopeAsync() => scope ??= await StaffScope.OfAsync(users, User);

    private async Task LoadAsync()
    {
        if (await ScopeAsync() is { } within) Accounts = await hospitalAccounts.ListPendingAsync(within);
    }

    /// <summary>The pending account, if the signed-in administrator may decide on it.</summary>
    private async Task<PlatformUser?> ManageableAsync(string? id) =>
        await ScopeAsync() is { } within ? await hospitalAccounts.FindPendingAsync(within, id) : null;
}
