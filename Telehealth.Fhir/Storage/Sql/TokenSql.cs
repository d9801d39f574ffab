using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

internal static class TokenSql
{
    /// <summary>The match of one token value against columns (system, code) of alias <paramref name="i"/>.</summary>
    public static string Match(SqlParameters p, string i, TokenValue v, string systemColumn = "system", string codeColumn = "code")
    {
        var parts = new List<string>();
        if (v.Code is not null) parts.Add($"{i}.{codeColumn} = {p.Add(v.Code)}");
        if (v.SystemGiven)
            parts.Add(v.System is null ? $"{i}.{systemColumn} IS NULL" : $"{i}.{systemColumn} = {p.Add(v.System)}");
        return parts.Count == 0 ? "1=1" : "(" + string.Join(" AND ", parts) + ")";
    }

    /// <summary><c>:text</c> matches the start of the folded display or text, like a string search.</summary>
    public static string Text(SqlParameters p, string i, string text)
    {
        var folded = VietnameseText.Fold(text);
        return $"({i}.text >= {p.Add(folded)} AND {i}.text < {p.Add(folded + '\uffff')})";
    }
}
