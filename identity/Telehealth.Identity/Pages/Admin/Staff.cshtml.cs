using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Pages.Admin;

/// <summary>
/// A facility's staff accounts, with Disable, Re-enable and Reset two-step verification: a facility administrator sees and changes only their own
/// facility's; a platform administrator any facility's (all at once, or one with <c>?organization=</c>).
/// </summary>
[Authorize(Policy = StaffAdministration.Policy)]
public sealed class StaffModel(StaffAccounts staff, UserManager<PlatformUser> users) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Organization { get; set; }

    public StaffText Text { get; private set; } = StaffText.Vietnamese;

    public SignInText Language { get; private set; } = SignInText.Vietnamese;

    public StaffScope Scope { get; private set; } = new(null, false);

    public IReadOnlyList<StaffMember> Members { get; private set; } = [];

    public string? Message { get; private set; }

    public Task<IActionResult> OnGetAsync() => ShowAsync(null);

    public Task<IActionResult> OnPostDisableAsync(string id) => ChangeAsync(id, disabled: true);

    public Task<IActionResult> OnPostEnableAsync(string id) => ChangeAsync(id, disabled: false);

    public async Task<IActionResult> OnPostResetTwoFactorAsync(string id)
    {
        if (await ScopeAsync() is not { } scope) return Forbid();
        var account = await users.FindByIdAsync(id);
        return await OutcomeAsync(await staff.ResetTwoFactorAsync(scope, users.GetUserId(User)!, id),
            Text.OwnTwoFactor, () => string.Format(Text.TwoFactorResetDone, account!.UserName));
    }

    private async Task<IActionResult> ChangeAsync(string id, bool disabled)
    {
        if (await ScopeAsync() is not { } scope) return Forbid();
        var account = await users.FindByIdAsync(id);
        return await OutcomeAsync(await staff.SetDisabledAsync(scope, users.GetUserId(User)!, id, disabled),
            Text.OwnAccount, () => string.Format(disabled ? Text.DisabledDone : Text.EnabledDone, account!.UserName));
    }

    private async Task<IActionResult> OutcomeAsync(StaffChange change, string ownAccount, Func<string> done) => change switch
    {
        StaffChange.NotFound => NotFound(),
        // Another facility's account, a patient's, a platform administrator's: nothing changes.
        StaffChange.Forbidden => Forbid(),
        StaffChange.OwnAccount => await ShowAsync(ownAccount),
        _ => await ShowAsync(done()),
    };

    private async Task<IActionResult> ShowAsync(string? message)
    {
        if (await ScopeAsync() is not { } scope) return Forbid();
        Message = message;
        Members = await staff.ListAsync(scope, string.IsNullOrWhiteSpace(Organization) ? null : Organization.Trim());
        return Page();
    }

    private async Task<StaffScope?> ScopeAsync()
    {
        Language = SignInText.For(HttpContext);
        Text = StaffText.For(HttpContext);
        var scope = await StaffScope.OfAsync(users, User);
        if (scope is not null) Scope = scope;
        return scope;
    }
}
