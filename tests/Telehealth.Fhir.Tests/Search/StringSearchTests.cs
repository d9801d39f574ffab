using Hl7.Fhir.Model;
using Telehealth.Fhir.Tests.Infrastructure;

namespace Telehealth.Fhir.Tests.Search;

/// <summary>String parameters: starts-with by default, ignoring case and Vietnamese marks; :exact; :contains; :missing.</summary>
public abstract class StringSearchTests<TStore>(TStore store) : TaggedSearchTests<TStore>(store) where TStore : TestStore
{
    private sealed record People(Patient NguyenVanAn, Patient DangThiHoa, Patient NguyenMinh, Patient TranNguyen, Patient LeNgocAnh, Patient NguyenThiLan);

    private async Task<People> CreatePeopleAsync() => new(
        await CreateLabelledAsync("Nguyễn Văn An", Person("Nguyễn", "Văn", "An")),
        await CreateLabelledAsync("Đặng Thị Hoa", Person("Đặng", "Thị", "Hoa")),
        await CreateLabelledAsync("Nguyen Minh", Person("Nguyen", "Minh")),
        await CreateLabelledAsync("Trần Nguyên", Person("Trần", "Nguyên")),
        await CreateLabelledAsync("Lê Ngọc Ánh", Person("Lê", "Ngọc", "Ánh")),
        await CreateLabelledAsync("NGUYỄN THỊ LAN", Person("NGUYỄN", "THỊ", "LAN")));

    private static Patient Person(string family, params string[] given) =>
        new() { Name = [new HumanName { Family = family, Given = given }] };

    [Fact]
    public async Task Name_search_ignores_accents_and_case()
    {
        var p = await CreatePeopleAsync();
        // "Nguyên" is a given name of Trần Nguyên: any part of the name may start with the value.
        Patient[] nguyen = [p.NguyenVanAn, p.NguyenMinh, p.TranNguyen, p.NguyenThiLan];
        await AssertFindsAsync("Patient?name=nguyen", nguyen);
        await AssertFindsAsync("Patient?name=" + Esc("NGUYỄN"), nguyen);
        await AssertFindsAsync("Patient?name=" + Esc("Nguyễn"), nguyen);
    }

    [Fact]
    public async Task Name_search_folds_d_with_stroke_to_d()
    {
        var p = await CreatePeopleAsync();
        await AssertFindsAsync("Patient?name=dang", p.DangThiHoa);
        await AssertFindsAsync("Patient?name=" + Esc("Đặng"), p.DangThiHoa);
        await AssertFindsAsync("Patient?family=" + Esc("đang"), p.DangThiHoa);
        // U+00D0 (eth) is how some converted records spell Đ.
        var dinh = await CreateLabelledAsync("\u00D0inh", Person("\u00D0inh", "Lễ"));
        await AssertFindsAsync("Patient?name=dinh", dinh);
        await AssertFindsAsync("Patient?name=" + Esc("\u0110inh"), dinh);
    }

    [Fact]
    public async Task Composed_and_decomposed_marks_are_the_same_text_even_for_exact()
    {
        var decomposed = await CreateLabelledAsync("Nguyễn (NFD)", Person("Nguyễn".Normalize(System.Text.NormalizationForm.FormD), "Hạnh"));
        var composed = "Nguyễn".Normalize(System.Text.NormalizationForm.FormC);
        await AssertFindsAsync("Patient?name:exact=" + Esc(composed), decomposed);
        await AssertFindsAsync("Patient?name:exact=" + Esc(composed.Normalize(System.Text.NormalizationForm.FormD)), decomposed);
        await AssertFindsAsync("Patient?name=nguyen", decomposed);
    }

    [Fact]
    public async Task Name_search_matches_the_start_of_a_name_part_or_of_the_whole_name()
    {
        var p = await CreatePeopleAsync();
        await AssertFindsAsync("Patient?name=ngu", p.NguyenVanAn, p.NguyenMinh, p.TranNguyen, p.NguyenThiLan);
        await AssertFindsAsync("Patient?name=an", p.NguyenVanAn, p.LeNgocAnh);
        await AssertFindsAsync("Patient?name=" + Esc("nguyen van a"), p.NguyenVanAn);
        await AssertFindsAsync("Patient?name=guyen");
        await AssertFindsAsync("Patient?given=thi", p.DangThiHoa, p.NguyenThiLan);
        await AssertFindsAsync("Patient?family=tran", p.TranNguyen);
    }

    [Fact]
    public async Task Several_values_of_one_string_parameter_are_alternatives()
    {
        var p = await CreatePeopleAsync();
        await AssertFindsAsync("Patient?name=hoa,minh", p.DangThiHoa, p.NguyenMinh);
        // Two parameters must both hold.
        await AssertFindsAsync("Patient?family=nguyen&given=minh", p.NguyenMinh);
    }

    [Fact]
    public async Task Exact_stays_case_and_accent_sensitive()
    {
        var p = await CreatePeopleAsync();
        await AssertFindsAsync("Patient?name:exact=" + Esc("Nguyễn"), p.NguyenVanAn);
        await AssertFindsAsync("Patient?name:exact=Nguyen", p.NguyenMinh);
        await AssertFindsAsync("Patient?name:exact=" + Esc("NGUYỄN"), p.NguyenThiLan);
        await AssertFindsAsync("Patient?name:exact=" + Esc("nguyễn"));
        // Exact means the whole value, not its start.
        await AssertFindsAsync("Patient?family:exact=" + Esc("Nguy"));
    }

    [Fact]
    public async Task Contains_matches_anywhere_in_the_value_ignoring_accents()
    {
        var p = await CreatePeopleAsync();
        await AssertFindsAsync("Patient?name:contains=uye", p.NguyenVanAn, p.NguyenMinh, p.TranNguyen, p.NguyenThiLan);
        await AssertFindsAsync("Patient?name:contains=" + Esc("gọc"), p.LeNgocAnh);
        await AssertFindsAsync("Patient?family:contains=AN", p.DangThiHoa, p.TranNguyen);
    }

    [Fact]
    public async Task Contains_treats_percent_and_underscore_as_ordinary_characters()
    {
        var full = await CreateAsync(new Organization { Name = "Khoa Nhi 100% miễn phí" });
        var plain = await CreateAsync(new Organization { Name = "Khoa Nhi 1000 giường" });
        await AssertFindsAsync("Organization?name:contains=" + Esc("100%"), full);
        await AssertFindsAsync("Organization?name:contains=" + Esc("0_"));
        await AssertFindsAsync("Organization?name:contains=100", full, plain);
    }

    [Fact]
    public async Task An_escaped_comma_is_part_of_the_value_not_a_separator()
    {
        var branch = await CreateAsync(new Organization { Name = "Phòng khám Sài Gòn, chi nhánh 2" });
        var other = await CreateAsync(new Organization { Name = "Phòng khám Sài Gòn" });
        await AssertFindsAsync("Organization?name=" + Esc(@"phong kham sai gon\, chi"), branch);
        await AssertFindsAsync("Organization?name=" + Esc("phong kham sai gon"), branch, other);
    }

    [Fact]
    public async Task Address_parts_are_searched_with_the_same_folding()
    {
        var hanoi = await CreateAsync(new Patient
        {
            Address = [new Address { Line = ["12 Phố Huế"], District = "Hai Bà Trưng", City = "Hà Nội", Country = "VN" }],
        });
        var hcm = await CreateAsync(new Patient { Address = [new Address { City = "Thành phố Hồ Chí Minh", Country = "VN" }] });
        var none = await CreateAsync(new Patient { Name = [new HumanName { Family = "Võ" }] });
        await AssertFindsAsync("Patient?address-city=" + Esc("ha noi"), hanoi);
        await AssertFindsAsync("Patient?address=" + Esc("hai ba"), hanoi);
        await AssertFindsAsync("Patient?address=" + Esc("12 pho hue"), hanoi);
        await AssertFindsAsync("Patient?address-country=vn", hanoi, hcm);
        await AssertFindsAsync("Patient?address:missing=true", none);
        await AssertFindsAsync("Patient?address:missing=false", hanoi, hcm);
    }
}

public sealed class SqliteStringSearchTests(SqliteStore store) : StringSearchTests<SqliteStore>(store);

public sealed class PostgresStringSearchTests(PostgresStore store) : StringSearchTests<PostgresStore>(store);
