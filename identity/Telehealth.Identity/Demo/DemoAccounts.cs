using Telehealth.Identity.Accounts;

namespace Telehealth.Identity.Demo;

/// <summary>A demo account: user name, role, the FHIR resources it stands for, and the practitioner's licence number.</summary>
public sealed record DemoAccount(string UserName, string DisplayName, string Role, string? FhirUser, string? Organization, string? Licence = null);

/// <summary>
/// The demo logins (<c>Demo:Load=true</c>), all with <see cref="Password"/>, each the person of a resource the record
/// service's demo network loads with a fixed id (Telehealth.Fhir/Demo). <c>Demo:Accounts:&lt;user&gt;:FhirUser</c> /
/// <c>:Organization</c> override them. Practitioners carry the licence number of their demo Practitioner
/// (Telehealth.Fhir/Demo/DemoStaff.cs), which is how a hospital sign-in finds them.
/// </summary>
public static class DemoAccounts
{
    public const string Password = "Telehealth@2026";

    public static IReadOnlyList<DemoAccount> From(IConfiguration configuration) =>
    [
        Account(configuration, "bs.xa", "BS. Trần Văn Phước", PlatformRoles.CommuneDoctor, "Practitioner/bs-tran-van-phuoc", "Organization/tyt-phu-tuc", "002135/BTR-CCHN"),
        Account(configuration, "bs.chuyenkhoa", "BS.CKII Ngô Văn Tài", PlatformRoles.Specialist, "Practitioner/bs-ngo-van-tai", "Organization/bv-cho-ray", "005633/BYT-CCHN"),
        Account(configuration, "dieuphoi", "CN.ĐD. Lê Thị Hoa", PlatformRoles.Coordinator, "Practitioner/dp-le-thi-hoa", "Organization/bv-cho-ray", "007214/BYT-CCHN"),
        Account(configuration, "benhnhan", "Nguyễn Văn An", PlatformRoles.Patient, "Patient/bn-083058004217", null),
        Account(configuration, "quantri", "CN. Võ Minh Tuấn", PlatformRoles.FacilityAdmin, "Practitioner/qt-vo-minh-tuan", "Organization/tyt-phu-tuc"),
        Account(configuration, "admin", "Quản trị nền tảng", PlatformRoles.PlatformAdmin, null, null),
    ];

    private static DemoAccount Account(IConfiguration configuration, string userName, string displayName, string role,
        string? fhirUser, string? organization, string? licence = null)
    {
        var section = configuration.GetSection($"Demo:Accounts:{userName}");
        return new(userName, displayName, role, section["FhirUser"] ?? fhirUser, section["Organization"] ?? organization, licence);
    }
}
