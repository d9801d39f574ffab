using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Storage;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Telehealth.Identity.Pages.Account;

/// <summary>
/// The second step of signing in, after the password of an account with two-step verification on: a code from the
/// authenticator app, or one of the recovery codes. Wrong codes count towards the lockout like wrong passwords.
/// </summary>
public sealed class TwoFactorModel(UserManager<PlatformUser> users, SignInManager<PlatformUser> signIn) : PageModel
{
    [BindProperty] public string? Code { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public TwoFactorText Text { get; private set; } = TwoFactorText.Vietnamese;

    public SignInText Language { get; private set; } = SignInText.Vietnamese;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await PersonAsync();
        if (user is null) return ToSignIn();
        // Mid-sign-in without a second factor yet: that is the enrolment step, not this one.
        if (!await users.GetTwoFactorEnabledAsync(user)) return RedirectToPage("/Account/Setup", new { ReturnUrl });
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await PersonAsync();
        if (user is null) return ToSignIn();
        if (!await users.GetTwoFactorEnabledAsync(user)) return RedirectToPage("/Account/Setup", new { ReturnUrl });

        // No "remember this browser": computers at commune stations are shared.
        var result = TwoFactorCodes.AuthenticatorCode(Code) is { } code
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await RecoveryAsync(user, TwoFactorCodes.RecoveryCode(Code));
        if (result.Succeeded)
            // Only a local path: an absolute ReturnUrl would make this page an open redirector.
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");

        Error = result.IsLockedOut ? Text.LockedOut : result.IsNotAllowed ? Language.NotAllowed : Text.WrongCode;
        return Page();
    }

    // Identity neither checks the lockout nor counts failures for recovery codes (they are too random to guess);
    // this page does both, so a locked or disabled account cannot come back through one and every wrong code counts.
    private async Task<SignInResult> RecoveryAsync(PlatformUser user, string code)
    {
        if (await users.IsLockedOutAsync(user)) return SignInResult.LockedOut;
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded) return result;
        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    private async Task<PlatformUser?> PersonAsync()
    {
        Language = SignInText.For(HttpContext);
        Text = TwoFactorText.For(HttpContext);
        return await signIn.GetTwoFactorAuthenticationUserAsync();
    }

    // The step between password and code has expired (or never began): sign in again.
    private RedirectToPageResult ToSignIn() => RedirectToPage("/Account/Login", new { ReturnUrl });
}
