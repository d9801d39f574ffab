namespace Telehealth.Fhir.Demo;

/// <summary>Where a facility sits in the referral chain; maps to a code in <see cref="DemoCodes.FacilityTypeSystem"/>.</summary>
internal enum FacilityLevel
{
    HealthDepartment,
    CentralHospital,
    ProvincialHospital,
    DistrictHospital,
    CommuneStation,
}

/// <summary>
/// One facility of the demo network. The address follows Vietnamese administrative levels:
/// street or hamlet (ấp), ward or commune (phường/xã/thị trấn), district (quận/huyện/thành phố
/// thuộc tỉnh), province (tỉnh/thành phố), mapped to FHIR line, city, district and state.
/// </summary>
internal sealed record DemoFacility(
    string Key,
    FacilityLevel Level,
    string Code,
    string Name,
    string ShortName,
    string? ParentKey,
    string Line,
    string Ward,
    string District,
    string Province,
    string Phone)
{
    public string Email => $"{Key}@demo.telehealth.vn";

    /// <summary>The one-line address of <paramref name="line"/> (a street or hamlet) in this facility's commune.</summary>
    public string AddressText(string line) => $"{line}, {Lower(Ward)}, {Lower(District)}, {Lower(Province)}";

    // In running text Vietnamese writes administrative prefixes in lower case ("xã Phú Túc, huyện Châu Thành").
    private static string Lower(string part) => char.ToLowerInvariant(part[0]) + part[1..];
}

/// <summary>A specialty offered for remote consults: SNOMED CT practice-setting code, Vietnamese name.</summary>
internal sealed record DemoSpecialty(string Key, string SnomedCode, string SnomedDisplay, string VietnameseName);

/// <summary>The facilities of one province (Bến Tre) and the central hospitals it refers to.</summary>
internal static class DemoFacilities
{
    public const string HealthDepartment = "so-y-te-ben-tre";
    public const string ProvincialHospital = "bv-nguyen-dinh-chieu";
    public const string BachMai = "bv-bach-mai";
    public const string ChoRay = "bv-cho-ray";
    public const string ChauThanhDistrict = "ttyt-chau-thanh";
    public const string BaTriDistrict = "ttyt-ba-tri";

    private const string BenTre = "Tỉnh Bến Tre";

    public static readonly IReadOnlyList<DemoFacility> All =
    [
        new(HealthDepartment, FacilityLevel.HealthDepartment, "83000", "Sở Y tế Bến Tre", "SYT Bến Tre", null,
            "39 Đoàn Hoàng Minh", "Phường 6", "Thành phố Bến Tre", BenTre, "+842753822100"),
        new(ProvincialHospital, FacilityLevel.ProvincialHospital, "83001", "Bệnh viện Nguyễn Đình Chiểu", "BV Nguyễn Đình Chiểu",
            HealthDepartment, "109 Đoàn Hoàng Minh", "Phường 6", "Thành phố Bến Tre", BenTre, "+842753822200"),
        new(BachMai, FacilityLevel.CentralHospital, "01001", "Bệnh viện Bạch Mai", "BV Bạch Mai", null,
            "78 Giải Phóng", "Phường Phương Mai", "Quận Đống Đa", "Thành phố Hà Nội", "+842438690100"),
        new(ChoRay, FacilityLevel.CentralHospital, "79001", "Bệnh viện Chợ Rẫy", "BV Chợ Rẫy", null,
            "201B Nguyễn Chí Thanh", "Phường 12", "Quận 5", "Thành phố Hồ Chí Minh", "+842838550100"),

        new(ChauThanhDistrict, FacilityLevel.DistrictHospital, "83010", "Trung tâm Y tế huyện Châu Thành", "TTYT Châu Thành",
            ProvincialHospital, "Khu phố 2", "Thị trấn Châu Thành", "Huyện Châu Thành", BenTre, "+842753860100"),
        new("tyt-phu-tuc", FacilityLevel.CommuneStation, "83011", "Trạm Y tế xã Phú Túc", "TYT Phú Túc",
            ChauThanhDistrict, "Ấp 1", "Xã Phú Túc", "Huyện Châu Thành", BenTre, "+842753860211"),
        new("tyt-tan-thach", FacilityLevel.CommuneStation, "83012", "Trạm Y tế xã Tân Thạch", "TYT Tân Thạch",
            ChauThanhDistrict, "Ấp 2", "Xã Tân Thạch", "Huyện Châu Thành", BenTre, "+842753860212"),
        new("tyt-an-khanh", FacilityLevel.CommuneStation, "83013", "Trạm Y tế xã An Khánh", "TYT An Khánh",
            ChauThanhDistrict, "Ấp 3", "Xã An Khánh", "Huyện Châu Thành", BenTre, "+842753860213"),

        new(BaTriDistrict, FacilityLevel.DistrictHospital, "83020", "Trung tâm Y tế huyện Ba Tri", "TTYT Ba Tri",
            ProvincialHospital, "Khu phố 1", "Thị trấn Ba Tri", "Huyện Ba Tri", BenTre, "+842753850100"),
        new("tyt-my-chanh", FacilityLevel.CommuneStation, "83021", "Trạm Y tế xã Mỹ Chánh", "TYT Mỹ Chánh",
            BaTriDistrict, "Ấp 1", "Xã Mỹ Chánh", "Huyện Ba Tri", BenTre, "+842753850221"),
        new("tyt-tan-xuan", FacilityLevel.CommuneStation, "83022", "Trạm Y tế xã Tân Xuân", "TYT Tân Xuân",
            BaTriDistrict, "Ấp 2", "Xã Tân Xuân", "Huyện Ba Tri", BenTre, "+842753850222"),
        new("tyt-an-duc", FacilityLevel.CommuneStation, "83023", "Trạm Y tế xã An Đức", "TYT An Đức",
            BaTriDistrict, "Ấp 3", "Xã An Đức", "Huyện Ba Tri", BenTre, "+842753850223"),
    ];

    public static IEnumerable<DemoFacility> Stations => All.Where(f => f.Level == FacilityLevel.CommuneStation);

    public static DemoFacility Get(string key) => All.Single(f => f.Key == key);

    public static readonly DemoSpecialty Cardiology = new("tim-mach", "394579002", "Cardiology", "Tim mạch");
    public static readonly DemoSpecialty Endocrinology = new("noi-tiet", "394583002", "Endocrinology", "Nội tiết");
    public static readonly DemoSpecialty Paediatrics = new("nhi", "394537008", "Pediatric specialty", "Nhi khoa");
    public static readonly DemoSpecialty Oncology = new("ung-buou", "394592004", "Clinical oncology", "Ung bướu");
    public static readonly DemoSpecialty Radiology = new("chan-doan-hinh-anh", "394914008", "Radiology", "Chẩn đoán hình ảnh");
    public static readonly DemoSpecialty InfectiousDiseases = new("truyen-nhiem", "394807007", "Infectious diseases", "Truyền nhiễm");
    public static readonly DemoSpecialty Obstetrics = new("san-phu-khoa", "394585009", "Obstetrics and gynecology", "Sản phụ khoa");
    public static readonly DemoSpecialty GeneralPractice = new("da-khoa", "394814009", "General practice", "Đa khoa");
    public static readonly DemoSpecialty GeneralMedicine = new("noi-tong-quat", "394802001", "General medicine", "Nội tổng quát");

    /// <summary>Which hospital offers which specialty for remote consults (one HealthcareService each).</summary>
    public static readonly IReadOnlyList<(string FacilityKey, DemoSpecialty Specialty)> ConsultServices =
    [
        (ChauThanhDistrict, GeneralMedicine),
        (BaTriDistrict, GeneralMedicine),
        (ProvincialHospital, Cardiology),
        (ProvincialHospital, Endocrinology),
        (ProvincialHospital, Paediatrics),
        (ProvincialHospital, Obstetrics),
        (ProvincialHospital, Radiology),
        (ProvincialHospital, InfectiousDiseases),
        (BachMai, Cardiology),
        (BachMai, Endocrinology),
        (BachMai, Oncology),
        (BachMai, InfectiousDiseases),
        (BachMai, Radiology),
        (ChoRay, Cardiology),
        (ChoRay, Oncology),
        (ChoRay, Radiology),
    ];
}
