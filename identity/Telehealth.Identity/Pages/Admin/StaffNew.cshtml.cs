using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Pages.Admin;

/// <summary>
/// A new staff account at the administrator's facility (a platform administrator names the facility): user name,
/// name, role, practising licence, the Practitioner it is, and a password that meets the policy or one generated here.
/// </summary>
[Authorize(Policy = StaffAdministration.Policy)]
public sealed class StaffNewModel(StaffAccounts staff, UserManager<PlatformUser> users) : PageModel
{
    [BindProperty] public string? UserName { get; set; }

    [BindProperty] public string? DisplayName { get; set; }

    [BindProperty] public string? Role { get; set; }

    [BindProperty] public string? Licence { get; set; }

    [BindProperty] public string? Practitioner { get; set; }

    /// <summary>Read from the form for a platform administrator only; a facility administrator's is their own.</summary>
    [BindProperty] public string? Organization { get; set; }

    [BindProperty] public string? Password { get; set; }

    public StaffText Text { get; private set; } = StaffText.Vietnamese;

    public SignInText Language { get; private set; } = SignInText.Vietnamese;

    public StaffScope Scope { get; private set; } = new(null, false);

    public IReadOnlyList<StaffProblem> Problems { get; private set; } = [];

    public StaffMember? Created { get; private set; }

    public string? GeneratedPassword { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await ScopeAsync() is null ? Forbid() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await ScopeAsync() is not { } scope) return Forbid();
        var result = await staff.CreateAsync(scope,
            new NewStaffAccount(UserName, DisplayName, Role, Licence, Practitioner, Organization, Password));
        // The page itself answers (no redirect): a generated password is shown from memory once and kept nowhere.
        (Created, GeneratedPassword, Problems) = (result.Created, result.GeneratedPassword, result.Problems);
        Password = null;
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
