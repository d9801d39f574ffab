using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Telehealth.Identity.Accounts;
using Telehealth.Identity.Federation;
using Telehealth.Identity.Storage;

namespace Telehealth.Identity.Pages.Account;

/// <summary>Local accounts sign in here; a successful sign-in goes back to the authorization request that sent the person.</summary>
public sealed class LoginModel(SignInManager<PlatformUser> signIn, HospitalDirectory hospitals, TwoFactorRules twoFactor) : PageModel
{
    [BindProperty] public string? UserName { get; set; }

    [BindProperty] public string? Password { get; set; }

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public SignInText Text { get; private set; } = SignInText.Vietnamese;

    public string? Error { get; private set; }

    /// <summary>Hospitals whose own login people may use instead of a password here (Identity:Federation:Hospitals).</summary>
    public IReadOnlyList<Hospital> Hospitals => hospitals.All;

    public FederationText HospitalText => FederationText.For(Text);

    public void OnGet() => Text = SignInText.For(HttpContext);

    /// <summary>"Sign in with your … hospital account": off to that hospital, then back to the same ReturnUrl.</summary>
    public async Task<IActionResult> OnPostHospitalAsync(string? hospital)
    {
        if (hospitals.Find(hospital) is not { } chosen) return NotFound();
        return await HospitalEndpoints.TryChallengeAsync(HttpContext, chosen, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/")
            ? new EmptyResult() : Redirect(HospitalEndpoints.UnavailablePage);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Text = SignInText.For(HttpContext);
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            Error = Text.Required;
            return Page();
        }

        // Someone who must use a second factor and has none yet gets no session from a password: only the step that sets one up.
        var account = await signIn.UserManager.FindByNameAsync(UserName.Trim());
        if (account is not null && await twoFactor.MustEnrolAsync(signIn.UserManager, account))
        {
            var password = await signIn.CheckPasswordSignInAsync(account, Password, lockoutOnFailure: true);
            if (!password.Succeeded) return Refused(password, account);
            await TwoFactorSignIn.BeginEnrolmentAsync(HttpContext, account);
            return RedirectToPage("/Account/Setup", new { ReturnUrl });
        }

        // lockoutOnFailure: each wrong password counts towards the lockout (5 in a row, see IdentityServerConfiguration).
        var result = await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Account/TwoFactor", new { ReturnUrl });
        if (result.Succeeded)
            // Only a local path: an absolute ReturnUrl would make this page an open redirector.
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");

        return Refused(result, account);
    }

    private PageResult Refused(Microsoft.AspNetCore.Identity.SignInResult result, PlatformUser? account)
    {
        Error = !result.IsLockedOut ? (result.IsNotAllowed ? Text.NotAllowed : Text.InvalidCredentials)
            : account is not null && StaffAccounts.IsDisabled(account) ? Text.Disabled : Text.LockedOut;
        return Page();
    }
}
