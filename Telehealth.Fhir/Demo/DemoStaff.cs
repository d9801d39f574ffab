using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Demo;

/// <summary>The platform role a demo clinician holds; matches the identity service's role names.</summary>
internal enum StaffRole
{
    CommuneDoctor,
    Specialist,
    Coordinator,
    FacilityAdmin,
}

/// <summary>One clinician of the demo network, working at one facility.</summary>
internal sealed record DemoClinician(
    string Key,
    string Family,
    string[] Given,
    AdministrativeGender Gender,
    string Prefix,
    string Licence,
    string FacilityKey,
    StaffRole Role,
    DemoSpecialty? Specialty,
    string Phone)
{
    public string FullName => $"{Family} {string.Join(' ', Given)}";
}

/// <summary>
/// Commune doctors at every station, general physicians at the district centres, specialists at the
/// provincial and central hospitals, and the provincial coordinator who routes consults.
/// Licence numbers are opaque strings shaped like Vietnamese practising certificates (chứng chỉ hành nghề).
/// </summary>
internal static class DemoStaff
{
    private const AdministrativeGender Male = AdministrativeGender.Male;
    private const AdministrativeGender Female = AdministrativeGender.Female;
    private const StaffRole Commune = StaffRole.CommuneDoctor;
    private const StaffRole Specialist = StaffRole.Specialist;

    public static readonly IReadOnlyList<DemoClinician> All =
    [
        new("bs-tran-van-phuoc", "Trần", ["Văn", "Phước"], Male, "BS.", "002135/BTR-CCHN",
            "tyt-phu-tuc", Commune, DemoFacilities.GeneralPractice, "+84913452107"),
        new("bs-nguyen-thi-thu-ha", "Nguyễn", ["Thị", "Thu", "Hà"], Female, "BS.", "002418/BTR-CCHN",
            "tyt-tan-thach", Commune, DemoFacilities.GeneralPractice, "+84388214590"),
        new("bs-vo-minh-tam", "Võ", ["Minh", "Tâm"], Male, "BS.", "002764/BTR-CCHN",
            "tyt-an-khanh", Commune, DemoFacilities.GeneralPractice, "+84772031846"),
        new("bs-huynh-thi-kim-loan", "Huỳnh", ["Thị", "Kim", "Loan"], Female, "BS.", "003012/BTR-CCHN",
            "tyt-my-chanh", Commune, DemoFacilities.GeneralPractice, "+84839107562"),
        new("bs-le-hoang-phuc", "Lê", ["Hoàng", "Phúc"], Male, "BS.", "003257/BTR-CCHN",
            "tyt-tan-xuan", Commune, DemoFacilities.GeneralPractice, "+84976518234"),
        new("bs-phan-thi-ngoc-han", "Phan", ["Thị", "Ngọc", "Hân"], Female, "BS.", "003391/BTR-CCHN",
            "tyt-an-duc", Commune, DemoFacilities.GeneralPractice, "+84357640918"),

        new("bs-do-quang-vinh", "Đỗ", ["Quang", "Vinh"], Male, "BS.CKI", "001876/BTR-CCHN",
            DemoFacilities.ChauThanhDistrict, Specialist, DemoFacilities.GeneralMedicine, "+84918063725"),
        new("bs-truong-thi-bich-van", "Trương", ["Thị", "Bích", "Vân"], Female, "BS.CKI", "001942/BTR-CCHN",
            DemoFacilities.BaTriDistrict, Specialist, DemoFacilities.GeneralMedicine, "+84944287153"),

        new("bs-nguyen-huu-thang", "Nguyễn", ["Hữu", "Thắng"], Male, "ThS.BS.", "000954/BTR-CCHN",
            DemoFacilities.ProvincialHospital, Specialist, DemoFacilities.Cardiology, "+84903715428"),
        new("bs-pham-thi-thanh-huong", "Phạm", ["Thị", "Thanh", "Hương"], Female, "BS.CKII", "001127/BTR-CCHN",
            DemoFacilities.ProvincialHospital, Specialist, DemoFacilities.Paediatrics, "+84987342016"),
        new("bs-tran-thi-mong-tuyen", "Trần", ["Thị", "Mộng", "Tuyền"], Female, "BS.CKII", "001305/BTR-CCHN",
            DemoFacilities.ProvincialHospital, Specialist, DemoFacilities.Obstetrics, "+84862190457"),
        new("dd-duong-thi-my-duyen", "Dương", ["Thị", "Mỹ", "Duyên"], Female, "CN.ĐD.", "004512/BTR-CCHN",
            DemoFacilities.ProvincialHospital, StaffRole.Coordinator, null, "+84799435612"),

        new("bs-dang-quoc-khanh", "Đặng", ["Quốc", "Khánh"], Male, "TS.BS.", "003421/BYT-CCHN",
            DemoFacilities.BachMai, Specialist, DemoFacilities.Cardiology, "+84912608374"),
        new("bs-bui-thi-phuong-anh", "Bùi", ["Thị", "Phương", "Anh"], Female, "ThS.BS.", "004187/BYT-CCHN",
            DemoFacilities.BachMai, Specialist, DemoFacilities.Endocrinology, "+84936472059"),
        new("bs-ngo-van-tai", "Ngô", ["Văn", "Tài"], Male, "BS.CKII", "005633/BYT-CCHN",
            DemoFacilities.ChoRay, Specialist, DemoFacilities.Oncology, "+84908251367"),
        new("bs-ly-ngoc-quynh", "Lý", ["Ngọc", "Quỳnh"], Female, "ThS.BS.", "006078/BYT-CCHN",
            DemoFacilities.ChoRay, Specialist, DemoFacilities.Radiology, "+84965813740"),
        new("dp-le-thi-hoa", "Lê", ["Thị", "Hoa"], Female, "CN.ĐD.", "007214/BYT-CCHN",
            DemoFacilities.ChoRay, StaffRole.Coordinator, null, "+84934120587"),

        new("qt-vo-minh-tuan", "Võ", ["Minh", "Tuấn"], Male, "CN.", "QT-83011-01",
            "tyt-phu-tuc", StaffRole.FacilityAdmin, null, "+84977305128"),
    ];
}
