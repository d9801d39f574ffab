namespace Telehealth.Identity.Accounts;

/// <summary>
/// The words of the staff administration pages, Vietnamese first; the language is the sign-in page's
/// (<c>?lang=en</c> / <c>?lang=vi</c>, remembered in the same cookie, see <see cref="SignInText"/>).
/// </summary>
public sealed record StaffText
{
    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string Heading { get; init; }
    public required string NewHeading { get; init; }
    public required string Facility { get; init; }
    public required string AllFacilities { get; init; }
    public required string Filter { get; init; }
    public required string UserName { get; init; }
    public required string DisplayName { get; init; }
    public required string Role { get; init; }
    public required string Licence { get; init; }
    public required string Practitioner { get; init; }
    public required string Status { get; init; }
    public required string TwoFactor { get; init; }
    public required string Active { get; init; }
    public required string Disabled { get; init; }
    public required string LockedUntil { get; init; }
    public required string On { get; init; }
    public required string Off { get; init; }
    public required string Disable { get; init; }
    public required string Enable { get; init; }
    public required string NewAccount { get; init; }
    public required string NoStaff { get; init; }
    public required string DisabledDone { get; init; }
    public required string EnabledDone { get; init; }
    public required string OwnAccount { get; init; }
    public required string ResetTwoFactor { get; init; }
    public required string ResetTwoFactorHint { get; init; }
    public required string TwoFactorResetDone { get; init; }
    public required string OwnTwoFactor { get; init; }
    public required string Password { get; init; }
    public required string PasswordHint { get; init; }
    public required string Create { get; init; }
    public required string Created { get; init; }
    public required string GeneratedPassword { get; init; }
    public required string BackToList { get; init; }
    public required string TwoFactorNote { get; init; }
    public required IReadOnlyDictionary<string, string> Roles { get; init; }
    public required IReadOnlyDictionary<StaffProblem, string> Problems { get; init; }

    public static readonly StaffText Vietnamese = new()
    {
        Language = "vi", Title = "Nhân viên – Quản trị cơ sở", Heading = "Tài khoản nhân viên", NewHeading = "Tạo tài khoản nhân viên",
        Facility = "Cơ sở", AllFacilities = "Tất cả cơ sở", Filter = "Lọc", UserName = "Tên đăng nhập", DisplayName = "Họ tên",
        Role = "Vai trò", Licence = "Số chứng chỉ hành nghề", Practitioner = "Hồ sơ người hành nghề (FHIR)", Status = "Trạng thái",
        TwoFactor = "Xác thực hai bước", Active = "Đang hoạt động", Disabled = "Đã vô hiệu hóa", LockedUntil = "Tạm khóa đến {0}",
        On = "Đã bật", Off = "Chưa bật", Disable = "Vô hiệu hóa", Enable = "Kích hoạt lại", NewAccount = "Tạo tài khoản mới",
        NoStaff = "Chưa có tài khoản nhân viên nào.", DisabledDone = "Đã vô hiệu hóa tài khoản {0}.",
        EnabledDone = "Đã kích hoạt lại tài khoản {0}.", OwnAccount = "Bạn không thể tự vô hiệu hóa tài khoản của mình.",
        ResetTwoFactor = "Đặt lại xác thực hai bước",
        ResetTwoFactorHint = "Khi nhân viên mất hoặc đổi điện thoại: khóa cũ và mã dự phòng hết hiệu lực, mọi phiên đăng nhập kết thúc.",
        TwoFactorResetDone = "Đã đặt lại xác thực hai bước của tài khoản {0}: lần đăng nhập tới, người dùng thiết lập lại bằng khóa mới.",
        OwnTwoFactor = "Bạn không thể tự đặt lại xác thực hai bước của mình; hãy nhờ một quản trị viên khác.",
        Password = "Mật khẩu ban đầu", PasswordHint = "Ít nhất 10 ký tự, gồm chữ hoa, chữ thường, chữ số và ký hiệu. Để trống để tạo ngẫu nhiên.",
        Create = "Tạo tài khoản", Created = "Đã tạo tài khoản {0}.",
        GeneratedPassword = "Mật khẩu ban đầu (chỉ hiển thị một lần này; hãy trao tận tay người dùng):",
        BackToList = "Về danh sách nhân viên",
        TwoFactorNote = "Khi vận hành thật, nhân viên phải bật xác thực hai bước ở lần đăng nhập đầu tiên.",
        Roles = new Dictionary<string, string>
        {
            [PlatformRoles.CommuneDoctor] = "Bác sĩ trạm y tế xã", [PlatformRoles.Specialist] = "Bác sĩ chuyên khoa",
            [PlatformRoles.Coordinator] = "Điều phối viên", [PlatformRoles.Patient] = "Bệnh nhân",
            [PlatformRoles.FacilityAdmin] = "Quản trị cơ sở",
        },
        Problems = new Dictionary<StaffProblem, string>
        {
            [StaffProblem.UserNameRequired] = "Vui lòng nhập tên đăng nhập.",
            [StaffProblem.UserNameInvalid] = "Tên đăng nhập chỉ gồm chữ không dấu, chữ số và các dấu . _ - @ + (tối đa 64 ký tự).",
            [StaffProblem.UserNameTaken] = "Tên đăng nhập này đã có người dùng.",
            [StaffProblem.DisplayNameRequired] = "Vui lòng nhập họ tên (tối đa 200 ký tự).",
            [StaffProblem.RoleInvalid] = "Vui lòng chọn một vai trò.",
            [StaffProblem.LicenceRequired] = "Bác sĩ phải có số chứng chỉ hành nghề.",
            [StaffProblem.LicenceInvalid] = "Số chứng chỉ hành nghề tối đa 64 ký tự.",
            [StaffProblem.PractitionerInvalid] = "Hồ sơ người hành nghề phải có dạng Practitioner/<mã>.",
            [StaffProblem.PractitionerTaken] = "Hồ sơ người hành nghề này đã gắn với một tài khoản khác.",
            [StaffProblem.OrganizationInvalid] = "Cơ sở phải có dạng Organization/<mã>.",
            [StaffProblem.PasswordPolicy] = "Mật khẩu phải có ít nhất 10 ký tự, gồm chữ hoa, chữ thường, chữ số và ký hiệu.",
        },
    };

    public static readonly StaffText English = new()
    {
        Language = "en", Title = "Staff – Facility administration", Heading = "Staff accounts", NewHeading = "New staff account",
        Facility = "Facility", AllFacilities = "All facilities", Filter = "Filter", UserName = "User name", DisplayName = "Name",
        Role = "Role", Licence = "Practising licence no.", Practitioner = "Practitioner (FHIR)", Status = "Status",
        TwoFactor = "Two-step verification", Active = "Active", Disabled = "Disabled", LockedUntil = "Locked until {0}",
        On = "On", Off = "Off", Disable = "Disable", Enable = "Re-enable", NewAccount = "New account",
        NoStaff = "No staff accounts yet.", DisabledDone = "Account {0} is disabled.",
        EnabledDone = "Account {0} is enabled again.", OwnAccount = "You cannot disable your own account.",
        ResetTwoFactor = "Reset two-step verification",
        ResetTwoFactorHint = "When the person lost or replaced their phone: the old key and recovery codes stop working, and every session ends.",
        TwoFactorResetDone = "Two-step verification of {0} is reset: at the next sign-in the person sets it up again with a new key.",
        OwnTwoFactor = "You cannot reset your own two-step verification; ask another administrator.",
        Password = "Initial password", PasswordHint = "At least 10 characters with upper and lower case, a digit and a symbol. Leave empty to generate one.",
        Create = "Create account", Created = "Account {0} created.",
        GeneratedPassword = "Initial password (shown only this once; hand it to the person directly):",
        BackToList = "Back to the staff list",
        TwoFactorNote = "In production, staff must set up two-step verification at their first sign-in.",
        Roles = new Dictionary<string, string>
        {
            [PlatformRoles.CommuneDoctor] = "Commune doctor", [PlatformRoles.Specialist] = "Specialist",
            [PlatformRoles.Coordinator] = "Coordinator", [PlatformRoles.Patient] = "Patient",
            [PlatformRoles.FacilityAdmin] = "Facility administrator",
        },
        Problems = new Dictionary<StaffProblem, string>
        {
            [StaffProblem.UserNameRequired] = "Please enter a user name.",
            [StaffProblem.UserNameInvalid] = "A user name has only unaccented letters, digits and . _ - @ + (64 at most).",
            [StaffProblem.UserNameTaken] = "This user name is already taken.",
            [StaffProblem.DisplayNameRequired] = "Please enter the person's name (200 characters at most).",
            [StaffProblem.RoleInvalid] = "Please choose a role.",
            [StaffProblem.LicenceRequired] = "Doctors must have a practising licence number.",
            [StaffProblem.LicenceInvalid] = "A practising licence number has 64 characters at most.",
            [StaffProblem.PractitionerInvalid] = "The practitioner must read Practitioner/<id>.",
            [StaffProblem.PractitionerTaken] = "This practitioner is already linked to another account.",
            [StaffProblem.OrganizationInvalid] = "The facility must read Organization/<id>.",
            [StaffProblem.PasswordPolicy] = "The password needs at least 10 characters with upper and lower case, a digit and a symbol.",
        },
    };

    public static StaffText For(HttpContext http) => For(SignInText.For(http));

    /// <summary>The same language as the sign-in page's words, for a page that already asked <see cref="SignInText.For"/>.</summary>
    public static StaffText For(SignInText language) => language.Language == "en" ? English : Vietnamese;

    public string RoleName(string role) => string.Join(", ", role.Split(", ").Select(r => Roles.GetValueOrDefault(r, r)));

    /// <summary>A lockout's end in Vietnam's time (UTC+7 all year, no daylight saving).</summary>
    public string LockedUntilTime(DateTimeOffset end) => string.Format(LockedUntil, end.ToOffset(TimeSpan.FromHours(7)).ToString("HH:mm dd/MM/yyyy"));
}
