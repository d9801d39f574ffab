using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Pages.Account;

/// <summary>
/// Turns on two-step verification: shows the shared key, its otpauth URI and that URI as a QR code, checks one code from the app, then shows
/// the recovery codes once. Reached by a signed-in person who chooses it (patients may), or right after the password
/// by someone who must use it and has not set it up (see <see cref="TwoFactorSignIn.BeginEnrolmentAsync"/>).
/// </summary>
public sealed class SetupModel(UserManager<PlatformUser> users, SignInManager<PlatformUser> signIn) : PageModel
{
    [BindProperty] public string? Code { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public TwoFactorText Text { get; private set; } = TwoFactorText.Vietnamese;

    public SignInText Language { get; private set; } = SignInText.Vietnamese;

    /// <summary>Mid-sign-in, sent here because the account must use a second factor.</summary>
    public bool Pending { get; private set; }

    public string? UserName { get; private set; }

    public bool AlreadyEnabled { get; private set; }

    public string? GroupedKey { get; private set; }

    public string? KeyUri { get; private set; }

    /// <summary>The key URI as a QR code for the app to scan (a data: URI).</summary>
    public string? KeyQrCode { get; private set; }

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Only a local path: an absolute ReturnUrl would make this page an open redirector.</summary>
    public string ContinueUrl => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await PersonAsync();
        if (user is null) return ToSignIn();
        if (await users.GetTwoFactorEnabledAsync(user)) AlreadyEnabled = true;
        else await ShowKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await PersonAsync();
        if (user is null) return ToSignIn();
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            AlreadyEnabled = true;
            return Page();
        }

        // Through Identity's authenticator provider (single use here): the code the app shows proves it holds the key.
        var code = TwoFactorCodes.AuthenticatorCode(Code);
        if (code is null || !await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, code))
        {
            Error = Text.WrongCode;
            await ShowKeyAsync(user);
            return Page();
        }

        Check(await users.SetTwoFactorEnabledAsync(user, true));
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, TwoFactorCodes.RecoveryCodeCount) ?? []];
        // Password and code both given: a two-step session, carrying the security stamp that enabling just changed.
        await TwoFactorSignIn.CompleteAsync(HttpContext, signIn, user);
        return Page();
    }

    /// <summary>Who is enrolling: the person mid-sign-in on this browser, else the signed-in one; never a locked account.</summary>
    private async Task<PlatformUser?> PersonAsync()
    {
        Language = SignInText.For(HttpContext);
        Text = TwoFactorText.For(HttpContext);
        var pending = await TwoFactorSignIn.PendingAsync(HttpContext, users);
        Pending = pending is not null && !await users.GetTwoFactorEnabledAsync(pending);
        var user = Pending ? pending : User.Identity?.IsAuthenticated == true ? await users.GetUserAsync(User) : null;
        if (user is null || await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user)) return null;
        UserName = user.UserName;
        return user;
    }

    private async Task ShowKeyAsync(PlatformUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // A new key changes the security stamp: a signed-in person's cookie is re-issued so it stays valid.
            Check(await users.ResetAuthenticatorKeyAsync(user));
            key = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key after resetting it.");
            if (!Pending) await signIn.RefreshSignInAsync(user);
        }
        GroupedKey = TwoFactorCodes.GroupedKey(key);
        KeyUri = TwoFactorCodes.KeyUri(user.UserName!, key);
        KeyQrCode = TwoFactorCodes.KeyQrCode(KeyUri);
    }

    private RedirectToPageResult ToSignIn() =>
        RedirectToPage("/Account/Login", new { ReturnUrl = Url.Page("/Account/Setup", new { ReturnUrl }) });

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Two-step enrolment failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
