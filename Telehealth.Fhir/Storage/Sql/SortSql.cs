using System.Text.Json;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

internal enum SqlKind { Text, Integer, Real }

/// <summary>A sort key as a SQL expression; missing values sort first ascending and last descending.</summary>
internal sealed record SortColumn(string Expression, SqlKind Kind, bool Descending)
{
    public object Read(System.Data.Common.DbDataReader reader, int ordinal) => Kind switch
    {
        SqlKind.Text => reader.GetString(ordinal),
        SqlKind.Integer => reader.GetInt64(ordinal),
        _ => reader.GetDouble(ordinal),
    };

    public object FromJson(JsonElement e) => Kind switch
    {
        SqlKind.Text => e.GetString() ?? "",
        SqlKind.Integer => e.GetInt64(),
        _ => e.GetDouble(),
    };
}

internal static class SortSql
{
    /// <summary>The value a date or integer sort gives a resource without one: lowest.</summary>
    public const long MissingInteger = long.MinValue + 1;

    /// <param name="versions">The version sequence of the search's snapshot (see <see cref="PageResult"/>).</param>
    public static SortColumn Column(SqlParameters p, SortKey key, string alias, long versions)
    {
        var desc = key.Direction == SortDirection.Descending;
        var name = key.Parameter.Name;
        if (name == "_id") return new SortColumn($"{alias}.id", SqlKind.Text, desc);
        if (name == "_lastUpdated") return LastUpdatedAsOf(p, alias, versions, desc);
        var agg = desc ? "MAX" : "MIN";
        var (column, kind) = key.Parameter.Type switch
        {
            SearchParamType.String => ("folded", SqlKind.Text),
            SearchParamType.Token => ("code", SqlKind.Text),
            SearchParamType.Date => (desc ? "high" : "low", SqlKind.Integer),
            SearchParamType.Number or SearchParamType.Quantity => (desc ? "high" : "low", SqlKind.Real),
            SearchParamType.Reference => ("target_id", SqlKind.Text),
            SearchParamType.Uri => ("uri", SqlKind.Text),
            _ => throw new ArgumentOutOfRangeException(nameof(key)),
        };
        var i = p.Alias("o");
        var missing = kind switch { SqlKind.Text => "''", SqlKind.Integer => MissingInteger.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => "-1e300" };
        var sub = $"(SELECT {agg}({i}.{column}) FROM {IndexTables.For(key.Parameter.Type)} {i} " +
                  $"WHERE {i}.rkey = {alias}.rkey AND {i}.param = {p.Add(name)})";
        return new SortColumn($"COALESCE({sub}, {missing})", kind, desc);
    }

    /// <summary>
    /// The last-updated time of the version that was current at the snapshot. Sorting by the current time instead
    /// would move a resource updated during a walk past the cursor: seen twice ascending, never descending.
    /// </summary>
    private static SortColumn LastUpdatedAsOf(SqlParameters p, string alias, long versions, bool desc)
    {
        var v = p.Alias("v");
        var asOf = $"(SELECT {v}.last_updated FROM resource_version {v} WHERE {v}.rkey = {alias}.rkey AND {v}.seq <= {p.Add(versions)} " +
                   $"ORDER BY {v}.version DESC LIMIT 1)";
        return new SortColumn($"COALESCE({asOf}, {alias}.last_updated)", SqlKind.Integer, desc);
    }

    /// <summary>(s0, s1, ..., key) strictly after (or, going back, before) the cursor's row, each key in its own direction.</summary>
    public static string Keyset(SqlParameters p, List<SortColumn> sort, List<string> names, string keyColumn, PageCursor cursor)
    {
        if (cursor.SortValues.Count != sort.Count)
            throw Model.FhirException.BadRequest("The page link does not belong to this search; start the search again.");
        var values = sort.Select((s, n) => p.Add(s.FromJson(cursor.SortValues[n]))).ToList();
        var key = p.Add(cursor.Key);
        var alternatives = new List<string>();
        for (var j = 0; j <= sort.Count; j++)
        {
            var equal = Enumerable.Range(0, j).Select(n => $"{names[n]} = {values[n]}");
            string step;
            if (j < sort.Count)
                step = $"{names[j]} {(sort[j].Descending ^ cursor.Backward ? "<" : ">")} {values[j]}";
            else
                step = $"{keyColumn} {(cursor.Backward ? "<" : ">")} {key}";
            alternatives.Add("(" + string.Join(" AND ", equal.Append(step)) + ")");
        }
        return "(" + string.Join(" OR ", alternatives) + ")";
    }
}
