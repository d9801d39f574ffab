using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Federation;

namespace Telehealth.Identity.Pages.Account;

/// <summary>
/// Where a hospital sign-in that gives no session ends: pending approval, rejected, failed, hospital unreachable; and
/// the page for a signed-in person refused an administrator's page.
/// </summary>
public sealed class NoticeModel : PageModel
{
    public SignInText Text { get; private set; } = SignInText.Vietnamese;

    public FederationText Federation { get; private set; } = FederationText.Vietnamese;

    public string Kind { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string Detail { get; private set; } = "";

    public IActionResult OnGet(string kind)
    {
        Text = SignInText.For(HttpContext);
        Federation = FederationText.For(Text);
        if (Federation.Notice(kind) is not var (title, detail)) return NotFound();
        (Kind, Title, Detail) = (kind, title, detail);
        if (kind == "denied") Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}
