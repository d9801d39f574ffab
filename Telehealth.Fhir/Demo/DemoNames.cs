namespace Telehealth.Fhir.Demo;

/// <summary>
/// Name parts for generated patients. Common family names appear more than once so they come up
/// about as often as they do in the Mekong Delta. No male given name starts with "An" and no
/// female given name starts with "Đào"/"Dao", so an accent-insensitive search for the two fixed
/// patients ("nguyen van an", "dang thi dao") finds exactly one person each.
/// </summary>
internal static class DemoNames
{
    public static readonly string[] Families =
    [
        "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Huỳnh", "Huỳnh",
        "Võ", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đoàn", "Châu",
    ];

    public static readonly string[] MaleMiddles = ["Văn", "Văn", "Văn", "Minh", "Đức", "Hữu", "Quốc", "Công", "Hoàng"];

    public static readonly string[] FemaleMiddles = ["Thị", "Thị", "Thị", "Ngọc", "Kim", "Mỹ", "Thanh", "Bích"];

    public static readonly string[] MaleGivens =
    [
        "Bình", "Cường", "Dũng", "Hùng", "Hải", "Phúc", "Tài", "Thắng", "Toàn", "Tuấn", "Sơn", "Nam", "Long",
        "Khoa", "Lộc", "Phong", "Quang", "Trí", "Vinh", "Hiếu", "Khánh", "Nhân", "Thành", "Đạt", "Hậu", "Kiệt",
    ];

    public static readonly string[] FemaleGivens =
    [
        "Cúc", "Diễm", "Hạnh", "Hoa", "Hương", "Lan", "Liên", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Thảo",
        "Trang", "Tuyết", "Xuân", "Yến", "Hằng", "Loan", "Thủy", "Vân", "Hồng", "Dung", "Trinh", "Quyên",
    ];
}
