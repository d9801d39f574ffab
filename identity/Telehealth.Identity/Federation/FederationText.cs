using Telehealth.Identity.Accounts;

namespace Telehealth.Identity.Federation;

/// <summary>
/// The words of hospital sign-in, its notices and the approval page, Vietnamese first; the language follows the
/// sign-in page's choice (<see cref="SignInText.For"/>).
/// </summary>
public sealed record FederationText(
    string Or, string HospitalButtonFormat, string BackToSignIn,
    string PendingTitle, string PendingDetail, string RejectedTitle, string RejectedDetail,
    string FailedTitle, string FailedDetail, string UnavailableTitle, string UnavailableDetail,
    string DeniedTitle, string DeniedDetail,
    string AdminTitle, string AdminEmpty, string Name, string HospitalColumn, string Licence, string Email,
    string Practitioner, string Role, string Approve, string Reject, string ApprovedFormat, string RejectedFormat,
    string InvalidPractitioner, string InvalidRole)
{
    public static readonly FederationText Vietnamese = new(
        "hoặc", "Đăng nhập bằng tài khoản Bệnh viện {0}", "Quay lại trang đăng nhập",
        "Tài khoản của bạn đang chờ quản trị viên cơ sở phê duyệt",
        "Bệnh viện đã xác nhận danh tính của bạn, nhưng tài khoản chưa được liên kết với hồ sơ hành nghề trên nền tảng. Vui lòng liên hệ quản trị viên cơ sở của bạn.",
        "Yêu cầu tài khoản của bạn đã bị từ chối",
        "Quản trị viên cơ sở đã từ chối liên kết tài khoản bệnh viện này. Vui lòng liên hệ quản trị viên cơ sở nếu đây là nhầm lẫn.",
        "Không hoàn tất được đăng nhập qua bệnh viện",
        "Đăng nhập đã bị hủy hoặc phản hồi từ bệnh viện không hợp lệ. Vui lòng thử lại.",
        "Không kết nối được với máy chủ đăng nhập của bệnh viện",
        "Máy chủ đăng nhập của bệnh viện không phản hồi hoặc không khớp với cấu hình. Vui lòng thử lại sau hoặc báo quản trị viên.",
        "Bạn không có quyền truy cập trang này", "Trang này dành cho quản trị viên cơ sở và quản trị viên nền tảng.",
        "Tài khoản chờ phê duyệt", "Không có tài khoản nào đang chờ phê duyệt.",
        "Họ tên", "Bệnh viện", "Số chứng chỉ hành nghề", "Email", "Practitioner (hồ sơ FHIR)", "Vai trò",
        "Phê duyệt", "Từ chối", "Đã phê duyệt tài khoản {0}.", "Đã từ chối tài khoản {0}.",
        "Tham chiếu Practitioner không hợp lệ (ví dụ: Practitioner/bs-ngo-van-tai).", "Vai trò không hợp lệ.");

    public static readonly FederationText English = new(
        "or", "Sign in with your {0} hospital account", "Back to sign-in",
        "Your account is waiting for approval by your facility administrator",
        "Your hospital confirmed who you are, but your account is not yet linked to a practitioner record on the platform. Please contact your facility administrator.",
        "Your account request was declined",
        "A facility administrator declined to link this hospital account. Please contact them if this is a mistake.",
        "Signing in through the hospital did not complete",
        "The sign-in was cancelled or the hospital's answer was not valid. Please try again.",
        "The hospital's login server could not be reached",
        "The hospital's login server did not answer, or did not match its configuration. Please try again later or tell an administrator.",
        "You may not open this page", "This page is for facility and platform administrators.",
        "Accounts awaiting approval", "No accounts are waiting for approval.",
        "Name", "Hospital", "Practising licence", "E-mail", "Practitioner (FHIR record)", "Role",
        "Approve", "Reject", "Approved {0}.", "Rejected {0}.",
        "The Practitioner reference is not valid (e.g. Practitioner/bs-ngo-van-tai).", "The role is not valid.");

    /// <summary>The same language as the sign-in page's words, which <see cref="SignInText.For"/> chose (and remembered).</summary>
    public static FederationText For(SignInText language) => language.Language == "en" ? English : Vietnamese;

    public string HospitalButton(string displayName) => string.Format(HospitalButtonFormat, displayName);

    /// <summary>Title and detail of the notice page for each outcome (<c>/account/notice/{kind}</c>).</summary>
    public (string Title, string Detail)? Notice(string? kind) => kind switch
    {
        "pending" => (PendingTitle, PendingDetail),
        "rejected" => (RejectedTitle, RejectedDetail),
        "failed" => (FailedTitle, FailedDetail),
        "unavailable" => (UnavailableTitle, UnavailableDetail),
        "denied" => (DeniedTitle, DeniedDetail),
        _ => null,
    };
}
