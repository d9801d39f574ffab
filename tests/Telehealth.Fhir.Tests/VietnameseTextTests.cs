using Telehealth.Fhir.Indexing;

namespace Telehealth.Fhir.Tests;

public sealed class VietnameseTextTests
{
    [Theory]
    [InlineData("Nguyễn Văn An", "nguyen van an")]
    [InlineData("Đặng Thị Đào", "dang thi dao")]
    [InlineData("  Trần   Hưng  Đạo ", "tran hung dao")]
    [InlineData("Bệnh viện Chợ Rẫy", "benh vien cho ray")]
    [InlineData("ỨNG", "ung")]
    public void Folding_removes_case_marks_and_maps_d_stroke(string text, string folded) =>
        Assert.Equal(folded, VietnameseText.Fold(text));

    [Fact]
    public void Precomposed_and_decomposed_forms_fold_alike() =>
        Assert.Equal(VietnameseText.Fold("Nguy\u1EC5n"), VietnameseText.Fold("Nguye\u0302\u0303n"));
}
