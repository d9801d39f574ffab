namespace Telehealth.Identity.Accounts;

/// <summary>
/// The words of the sign-in page, Vietnamese first. <c>?lang=en</c> (or <c>?lang=vi</c>) switches and is remembered
/// in a cookie. TODO(localization, later issue): move to resource files when the service has more than one page.
/// </summary>
public sealed record SignInText(
    string Language, string Title, string Heading, string UserName, string Password, string Submit,
    string InvalidCredentials, string LockedOut, string NotAllowed, string Required, string OtherLanguage, string OtherLanguageCode)
{
    public const string CookieName = "telehealth.lang";

    /// <summary>For an account its facility's administrator has disabled (see StaffAccounts), not a temporary lockout.</summary>
    public required string Disabled { get; init; }

    public static readonly SignInText Vietnamese = new(
        "vi", "Đăng nhập – Khám chữa bệnh từ xa", "Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Đăng nhập",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Tài khoản tạm thời bị khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau 15 phút.",
        "Tài khoản này không được phép đăng nhập.",
        "Vui lòng nhập tên đăng nhập và mật khẩu.",
        "English", "en")
    {
        Disabled = "Tài khoản này đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên cơ sở của bạn.",
    };

    public static readonly SignInText English = new(
        "en", "Sign in – Telehealth", "Sign in", "User name", "Password", "Sign in",
        "The user name or password is incorrect.",
        "This account is temporarily locked after too many failed attempts. Please try again in 15 minutes.",
        "This account is not allowed to sign in.",
        "Please enter your user name and password.",
        "Tiếng Việt", "vi")
    {
        Disabled = "This account has been disabled. Please contact your facility's administrator.",
    };

    /// <summary>The language asked for in the query, else the remembered one, else Vietnamese; remembers a switch.</summary>
    public static SignInText For(HttpContext http)
    {
        var asked = http.Request.Query["lang"].ToString();
        if (asked is "vi" or "en")
        {
            http.Response.Cookies.Append(CookieName, asked, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true,
            });
            return asked == "en" ? English : Vietnamese;
        }
        return http.Request.Cookies[CookieName] == "en" ? English : Vietnamese;
    }
}
