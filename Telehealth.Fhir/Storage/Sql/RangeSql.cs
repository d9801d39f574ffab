using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>
/// FHIR's prefixes on ranges: the stored value is [low, high] and the searched value [from, to].
/// eq: stored range within searched; gt/lt: stored range reaches beyond; ge/le: gt/lt or eq;
/// sa/eb: wholly after or before; ap: overlaps the searched range widened by 10%.
/// </summary>
internal static class RangeSql
{
    /// <summary>
    /// Numbers and quantities: [from, to) is the range the searched value's precision implies, so "100" means
    /// 99.5 up to but not including 100.5; gt, lt, ge and le compare with the value as written.
    /// </summary>
    public static string Compare(string low, string high, Prefix prefix, string from, string to, string exact) => prefix switch
    {
        Prefix.Eq => $"({low} >= {from} AND {high} < {to})",
        Prefix.Ne => $"NOT ({low} >= {from} AND {high} < {to})",
        Prefix.Gt => $"({high} > {exact})",
        Prefix.Lt => $"({low} < {exact})",
        Prefix.Ge => $"({high} >= {exact})",
        Prefix.Le => $"({low} <= {exact})",
        Prefix.Sa => $"({low} >= {to})",
        Prefix.Eb => $"({high} < {from})",
        Prefix.Ap => $"({low} <= {to} AND {high} >= {from})",
        _ => throw new ArgumentOutOfRangeException(nameof(prefix)),
    };

    /// <summary>
    /// Dates compare against the edges of the searched range, not a point. ge and le are "gt or eq" and "lt or eq"
    /// as the R4 search page defines them: a Period from 20 February to 10 March is not ge2024-03, because it neither
    /// reaches past March nor lies within it (merely overlapping from below would be "ap").
    /// </summary>
    public static string CompareDate(string low, string high, Prefix prefix, string from, string to) => prefix switch
    {
        Prefix.Gt => $"({high} > {to})",
        Prefix.Lt => $"({low} < {from})",
        Prefix.Ge => $"({high} > {to} OR ({low} >= {from} AND {high} <= {to}))",
        Prefix.Le => $"({low} < {from} OR ({low} >= {from} AND {high} <= {to}))",
        Prefix.Eq => $"({low} >= {from} AND {high} <= {to})",
        Prefix.Ne => $"NOT ({low} >= {from} AND {high} <= {to})",
        Prefix.Sa => $"({low} > {to})",
        Prefix.Eb => $"({high} < {from})",
        Prefix.Ap => $"({low} <= {to} AND {high} >= {from})",
        _ => throw new ArgumentOutOfRangeException(nameof(prefix)),
    };
}
