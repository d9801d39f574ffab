using System.Globalization;
using System.Text;

namespace Telehealth.Fhir.Indexing;

/// <summary>
/// Folds text the way Vietnamese users type it: lower case, no tone or vowel marks, "đ" as "d".
/// "Nguyễn Văn Đào" and "nguyen van dao" fold to the same key.
/// </summary>
public static class VietnameseText
{
    public static string Fold(string text)
    {
        if (text.Length == 0) return text;
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var lastWasSpace = true;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var folded = c switch
            {
                // U+00D0/U+00F0 (Icelandic eth) look like Đ/đ and come out of old Vietnamese encodings converted to Unicode.
                'đ' or 'Đ' or 'ð' or 'Ð' => 'd',
                _ => char.ToLowerInvariant(c),
            };
            // Collapse runs of white space so "Nguyễn  Văn" still matches "nguyen van".
            if (char.IsWhiteSpace(folded))
            {
                if (lastWasSpace) continue;
                folded = ' ';
                lastWasSpace = true;
            }
            else lastWasSpace = false;
            sb.Append(folded);
        }
        if (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return sb.ToString();
    }
}
