namespace Telehealth.Identity.Accounts;

/// <summary>
/// The words of the two-step pages (enrolment and the code after the password), Vietnamese first; the language is the
/// sign-in page's (<c>?lang=en</c> / <c>?lang=vi</c>, remembered in the same cookie, see <see cref="SignInText"/>).
/// </summary>
public sealed record TwoFactorText
{
    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string SetupHeading { get; init; }
    public required string MustEnrol { get; init; }
    public required string Policy { get; init; }
    public required string InstallApp { get; init; }
    public required string AddKey { get; init; }
    public required string QrCode { get; init; }
    public required string SecretKey { get; init; }
    public required string OpenInApp { get; init; }
    public required string EnterCode { get; init; }
    public required string Code { get; init; }
    public required string Confirm { get; init; }
    public required string WrongCode { get; init; }
    public required string Enabled { get; init; }
    public required string RecoveryCodes { get; init; }
    public required string AlreadyEnabled { get; init; }
    public required string Continue { get; init; }
    public required string StepHeading { get; init; }
    public required string StepPrompt { get; init; }
    public required string CodeOrRecovery { get; init; }
    public required string LockedOut { get; init; }

    public static readonly TwoFactorText Vietnamese = new()
    {
        Language = "vi",
        Title = "Xác thực hai bước – Khám chữa bệnh từ xa",
        SetupHeading = "Bật xác thực hai bước",
        MustEnrol = "Tài khoản của bạn bắt buộc dùng xác thực hai bước. Hãy cài đặt để tiếp tục đăng nhập.",
        Policy = "Khi vận hành thật, bác sĩ, điều phối viên và quản trị viên bắt buộc dùng xác thực hai bước; "
            + "chỉ bản demo (./run.sh) tắt yêu cầu này. Bệnh nhân có thể tự bật.",
        InstallApp = "1. Cài một ứng dụng xác thực trên điện thoại (Google Authenticator, Microsoft Authenticator, FreeOTP…).",
        AddKey = "2. Quét mã QR dưới đây bằng ứng dụng, hoặc nhập khóa bí mật, hoặc mở liên kết trên điện thoại.",
        QrCode = "Mã QR của khóa bí mật",
        SecretKey = "Khóa bí mật",
        OpenInApp = "Mở trong ứng dụng xác thực",
        EnterCode = "3. Nhập mã 6 chữ số mà ứng dụng hiển thị.",
        Code = "Mã xác thực",
        Confirm = "Xác nhận",
        WrongCode = "Mã không đúng hoặc đã được dùng. Vui lòng nhập mã mới.",
        Enabled = "Đã bật xác thực hai bước.",
        RecoveryCodes = "Mã khôi phục: mỗi mã dùng được một lần khi không có điện thoại. Hãy in hoặc chép lại và cất giữ an toàn; "
            + "các mã chỉ hiển thị một lần này.",
        AlreadyEnabled = "Xác thực hai bước đã được bật cho tài khoản này.",
        Continue = "Tiếp tục",
        StepHeading = "Xác thực hai bước",
        StepPrompt = "Nhập mã 6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục.",
        CodeOrRecovery = "Mã xác thực hoặc mã khôi phục",
        LockedOut = "Tài khoản tạm thời bị khóa do nhập sai nhiều lần. Vui lòng thử lại sau 15 phút.",
    };

    public static readonly TwoFactorText English = new()
    {
        Language = "en",
        Title = "Two-step verification – Telehealth",
        SetupHeading = "Turn on two-step verification",
        MustEnrol = "Your account must use two-step verification. Set it up to finish signing in.",
        Policy = "In production, doctors, coordinators and administrators must use two-step verification; "
            + "only the demo (./run.sh) turns this requirement off. Patients may turn it on for themselves.",
        InstallApp = "1. Install an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, FreeOTP…).",
        AddKey = "2. Scan the QR code below with the app, or type in the secret key, or open the link on your phone.",
        QrCode = "QR code of the secret key",
        SecretKey = "Secret key",
        OpenInApp = "Open in the authenticator app",
        EnterCode = "3. Enter the 6-digit code the app shows.",
        Code = "Verification code",
        Confirm = "Confirm",
        WrongCode = "The code is wrong or was already used. Please enter a new code.",
        Enabled = "Two-step verification is on.",
        RecoveryCodes = "Recovery codes: each one works once when you do not have your phone. Print or copy them and keep them "
            + "safe; they are shown only this once.",
        AlreadyEnabled = "Two-step verification is already on for this account.",
        Continue = "Continue",
        StepHeading = "Two-step verification",
        StepPrompt = "Enter the 6-digit code from your authenticator app, or a recovery code.",
        CodeOrRecovery = "Verification or recovery code",
        LockedOut = "This account is temporarily locked after too many failed attempts. Please try again in 15 minutes.",
    };

    /// <summary>The language of the sign-in page (asked for in the query, else remembered, else Vietnamese).</summary>
    public static TwoFactorText For(HttpContext http) => SignInText.For(http).Language == "en" ? English : Vietnamese;
}
