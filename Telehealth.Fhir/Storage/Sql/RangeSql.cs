using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>
/// FHIR's prefixes on ranges: the stored value is [low, high] and the searched value [from, to].
/// eq: stored range within searched; gt/lt: stored range reaches beyond; ge/le: overlaps or beyond;
/// sa/eb: wholly after or before; ap: overlaps the searched range widened by 10%.
/// </summary>
internal static class RangeSql
{
    public static string Compare(string low, string high, Prefix prefix, string from, string to, string exact) => prefix switch
    {
        Prefix.Eq => $"({low} >= {from} AND {high} <= {to})",
        Prefix.Ne => $"NOT ({low} >= {from} AND {high} <= {to})",
        Prefix.Gt => $"({high} > {exact})",
        Prefix.Lt => $"({low} < {exact})",
        Prefix.Ge => $"({high} >= {exact})",
        Prefix.Le => $"({low} <= {exact})",
        Prefix.Sa => $"({low} > {to})",
        Prefix.Eb => $"({high} < {from})",
        Prefix.Ap => $"({low} <= {to} AND {high} >= {from})",
        _ => throw new ArgumentOutOfRangeException(nameof(prefix)),
    };

    /// <summary>Dates: gt and lt compare against the edges of the searched range, not a point.</summary>
    public static string CompareDate(string low, string high, Prefix prefix, string from, string to) => prefix switch
    {
        Prefix.Gt => $"({high} > {to})",
        Prefix.Lt => $"({low} < {from})",
        Prefix.Ge => $"({high} >= {from})",
        Prefix.Le => $"({low} <= {to})",
        _ => Compare(low, high, prefix, from, to, from),
    };
}
