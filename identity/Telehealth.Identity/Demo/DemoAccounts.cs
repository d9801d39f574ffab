using Telehealth.Identity.Accounts;

namespace Telehealth.Identity.Demo;

/// <summary>A demo account: user name, role, and the FHIR resources it stands for.</summary>
public sealed record DemoAccount(string UserName, string DisplayName, string Role, string? FhirUser, string? Organization);

/// <summary>
/// The demo logins (<c>Demo:Load=true</c>), all with <see cref="Password"/>. Their FHIR references come from
/// <c>Demo:Accounts:&lt;user&gt;:FhirUser</c> / <c>:Organization</c> when set, else from the defaults below.
/// </summary>
/// <remarks>
/// TODO(link accounts to FHIR, later issue): the record service's demo loader assigns its own resource ids; look the
/// Practitioner/Patient up by identifier (practising licence, citizen ID) and store the real reference here.
/// </remarks>
public static class DemoAccounts
{
    public const string Password = "Telehealth@2026";

    public static IReadOnlyList<DemoAccount> From(IConfiguration configuration) =>
    [
        Account(configuration, "bs.xa", "BS. Nguyễn Văn An", PlatformRoles.CommuneDoctor, "Practitioner/bs-nguyen-van-an", "Organization/tram-phu-tuc"),
        Account(configuration, "bs.chuyenkhoa", "BS. Trần Thị Bích", PlatformRoles.Specialist, "Practitioner/bs-tran-thi-bich", "Organization/bv-cho-ray"),
        Account(configuration, "dieuphoi", "Lê Thị Hoa", PlatformRoles.Coordinator, "Practitioner/dp-le-thi-hoa", "Organization/bv-nguyen-dinh-chieu"),
        Account(configuration, "benhnhan", "Phạm Văn Bình", PlatformRoles.Patient, "Patient/bn-pham-van-binh", null),
        Account(configuration, "quantri", "Võ Minh Tuấn", PlatformRoles.FacilityAdmin, "Practitioner/qt-vo-minh-tuan", "Organization/tram-phu-tuc"),
        Account(configuration, "admin", "Quản trị nền tảng", PlatformRoles.PlatformAdmin, null, null),
    ];

    private static DemoAccount Account(IConfiguration configuration, string userName, string displayName, string role,
        string? fhirUser, string? organization)
    {
        var section = configuration.GetSection($"Demo:Accounts:{userName}");
        return new(userName, displayName, role, section["FhirUser"] ?? fhirUser, section["Organization"] ?? organization);
    }
}
