using Hl7.Fhir.Model;
using Telehealth.Fhir.Search;

namespace Telehealth.Fhir.Storage.Sql;

/// <summary>
/// Turns criteria into SQL predicates over a <c>resource</c> row alias. Every predicate has the form
/// "alias.rkey IN (rows of an index table)", so the database can start from the most selective index.
/// </summary>
/// <remarks>
/// With a caller's <paramref name="guard"/>, chains and <c>_has</c> look only at resources the caller may see: a
/// search on what the caller may read must not reveal, through its conditions, what they may not.
/// </remarks>
internal sealed class CriterionSql(SqlParameters p, TimeProvider clock, Access.AccessGuard? guard = null)
{
    public string Predicate(Criterion criterion, string alias, string type) => criterion switch
    {
        ParameterCriterion c when c.Parameter.IsColumn => ColumnPredicate(c, alias),
        ParameterCriterion { Parameter.Type: SearchParamType.Date, Modifier: null } c => DatePredicate([c], alias, type, c.Parameter.Name),
        ParameterCriterion c => ParameterPredicate(c, alias, type),
        MissingCriterion m => MissingPredicate(m, alias, type),
        ChainCriterion chain => ChainPredicate(chain, alias, type),
        HasCriterion has => HasPredicate(has, alias, type),
        AnyCriterion any => "(" + string.Join(" OR ", any.Alternatives.Select(a => Predicate(a, alias, type))) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(criterion)),
    };

    /// <summary>
    /// Criteria on one date parameter that all hold on one index row (<see cref="DateSql.Predicate"/>), checked on each
    /// resource where the caller sees only one patient's record of the type (<c>AccessGuard.SeesOneRecordOf</c>).
    /// </summary>
    public string DatePredicate(IReadOnlyList<ParameterCriterion> criteria, string alias, string type, string param) =>
        new DateSql(p, clock).Predicate(criteria, alias, type, param, perResource: guard?.SeesOneRecordOf(type) == true);

    private string ColumnPredicate(ParameterCriterion c, string alias)
    {
        if (c.Parameter.Name == "_id")
        {
            var ids = c.Values.OfType<TokenValue>().Select(v => p.Add(v.Code ?? "")).ToList();
            return $"{alias}.id {(c.Modifier == "not" ? "NOT IN" : "IN")} ({string.Join(", ", ids)})";
        }
        var ranges = c.Values.OfType<DateValue>().Select(v => DateMatch($"{alias}.last_updated", $"{alias}.last_updated", v));
        return "(" + string.Join(" OR ", ranges) + ")";
    }

    private string ParameterPredicate(ParameterCriterion c, string alias, string type) =>
        $"{alias}.rkey {(c.Modifier == "not" ? "NOT IN" : "IN")} ({Keys(c, type)})";

    /// <summary>The keys of the index rows a criterion matches (for :not, those it excludes), as a SELECT of <c>rkey</c>.</summary>
    public string Keys(ParameterCriterion c, string type)
    {
        var (i, table, param, matches) = IndexMatch(c);
        return $"SELECT {i}.rkey FROM {table} {i} WHERE {i}.type = {p.Add(type)} AND {i}.param = {p.Add(param)} AND ({matches})";
    }

    /// <summary>
    /// The keys of the criterion's rows among the rows of its index table that <paramref name="window"/> selects
    /// (whole rows, <c>SELECT x.* …</c>), in the window's order.
    /// </summary>
    public string MatchesIn(ParameterCriterion c, string type, string window)
    {
        var (i, _, param, matches) = IndexMatch(c);
        return $"SELECT {i}.rkey FROM ({window}) {i} WHERE {i}.type = {p.Add(type)} AND {i}.param = {p.Add(param)} AND ({matches})";
    }

    private (string Alias, string Table, string Param, string Matches) IndexMatch(ParameterCriterion c)
    {
        var i = p.Alias("i");
        var table = c.Modifier == "identifier" ? "ix_token" : IndexTables.For(c.Parameter.Type);
        var param = c.Modifier == "identifier" ? c.Parameter.Name + ":identifier" : c.Parameter.Name;
        return (i, table, param, string.Join(" OR ", c.Values.Select(v => ValueMatch(c, i, v))));
    }

    /// <summary>
    /// For a reference to one resource of a known type (<c>subject=Patient/123</c>) searched on any type but AuditEvent,
    /// the keys of its index rows in key order, from <c>ix_reference_clinical_keys</c> (type, param, target, then the
    /// key): the first page's keys are then the first entries of one index range, whether the resource is named 3
    /// times (a patient's encounters) or 16,667 (a station's patients). The repeated <c>type &lt;&gt; 'AuditEvent'</c>
    /// is the index's own condition, written out so that a generic plan and SQLite can use it. Null for any other
    /// criterion.
    /// </summary>
    public string? ClinicalReferenceKeys(ParameterCriterion c, string type)
    {
        if (type == "AuditEvent" || c.Parameter.Type != SearchParamType.Reference) return null;
        if (c.Modifier is not null && !ModelInfo.IsKnownResource(c.Modifier)) return null;
        if (c.Values is not [ReferenceValue { Id: { } id, Url: null } reference] || (reference.Type ?? c.Modifier) is not { } targetType)
            return null;
        var i = p.Alias("i");
        return $"SELECT {i}.rkey FROM ix_reference {i} WHERE {i}.type = {p.Add(type)} AND {i}.type <> 'AuditEvent' " +
               $"AND {i}.param = {p.Add(c.Parameter.Name)} AND {i}.target_id = {p.Add(id)} AND {i}.target_type = {p.Add(targetType)}";
    }

    private string ValueMatch(ParameterCriterion c, string i, SearchValue value) => (c.Parameter.Type, value) switch
    {
        (SearchParamType.String, StringValue s) => StringMatch(i, s.Text, c.Modifier),
        (SearchParamType.Token, TokenValue t) when c.Modifier == "text" => TokenSql.Text(p, i, t.Code ?? ""),
        (SearchParamType.Token, TokenValue t) => TokenSql.Match(p, i, t),
        (SearchParamType.Reference, TokenValue t) => TokenSql.Match(p, i, t),
        (SearchParamType.Date, DateValue d) => DateMatch($"{i}.low", $"{i}.high", d),
        (SearchParamType.Number, NumberValue n) => NumberMatch(i, n),
        (SearchParamType.Quantity, NumberValue n) => QuantityMatch(i, n),
        (SearchParamType.Reference, ReferenceValue r) => ReferenceMatch(i, r, c.Modifier),
        (SearchParamType.Uri, UriValue u) when c.Modifier == "below" => $"({i}.uri >= {p.Add(u.Uri)} AND {i}.uri < {p.Add(u.Uri + '\uffff')})",
        // :above: the stored uri is a prefix of the searched one (a parent of it in the hierarchy).
        (SearchParamType.Uri, UriValue u) when c.Modifier == "above" => UriAbove(i, p.Add(u.Uri)),
        (SearchParamType.Uri, UriValue u) => $"{i}.uri = {p.Add(u.Uri)}",
        (SearchParamType.Composite, CompositeValue cv) => CompositeMatch(c.Parameter, i, cv),
        _ => throw new InvalidOperationException($"Value {value} does not fit parameter {c.Parameter.Name}."),
    };

    private string StringMatch(string i, string text, string? modifier)
    {
        if (modifier == "exact") return $"{i}.exact = {p.Add(text.Normalize(System.Text.NormalizationForm.FormC))}";
        var folded = Indexing.VietnameseText.Fold(text);
        if (modifier == "contains")
        {
            var escaped = folded.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
            return $"{i}.folded LIKE {p.Add("%" + escaped + "%")} ESCAPE '\\'";
        }
        // Starts-with as a range, so both stores use the index without LIKE's collation rules.
        return $"({i}.folded >= {p.Add(folded)} AND {i}.folded < {p.Add(folded + '\uffff')})";
    }

    private static string UriAbove(string i, string value) =>
        $"({i}.uri <= {value} AND substr({value}, 1, length({i}.uri)) = {i}.uri)";

    private string DateMatch(string low, string high, DateValue d)
    {
        var (prefix, from, to) = new DateSql(p, clock).Range(d);
        return RangeSql.CompareDate(low, high, prefix, p.Add(from), p.Add(to));
    }

    private string NumberMatch(string i, NumberValue n)
    {
        var (from, to) = Approximate(n);
        return RangeSql.Compare($"{i}.low", $"{i}.high", n.Prefix, p.Add(from), p.Add(to), p.Add(n.Value));
    }

    private string QuantityMatch(string i, NumberValue n)
    {
        var unit = new List<string>();
        if (n.Code is not null) unit.Add($"{i}.code = {p.Add(n.Code)}");
        if (n.System is not null) unit.Add($"{i}.system = {p.Add(n.System)}");
        unit.Add(NumberMatch(i, n));
        return "(" + string.Join(" AND ", unit) + ")";
    }

    private static (decimal From, decimal To) Approximate(NumberValue n)
    {
        if (n.Prefix != Prefix.Ap) return (n.Low, n.High);
        var margin = Math.Abs(n.Value) / 10;
        return (n.Value - margin, n.Value + margin);
    }

    private string ReferenceMatch(string i, ReferenceValue r, string? typeModifier)
    {
        if (r.Id is null) return $"{i}.url = {p.Add(r.Url)}";
        var type = r.Type ?? typeModifier;
        var local = $"{i}.target_id = {p.Add(r.Id)}" + (type is null ? "" : $" AND {i}.target_type = {p.Add(type)}");
        return r.Url is null ? $"({local})" : $"(({local}) OR {i}.url = {p.Add(r.Url)})";
    }

    private string CompositeMatch(Indexing.SearchParameterInfo parameter, string i, CompositeValue cv)
    {
        var first = (TokenValue)cv.Parts[0];
        var conditions = new List<string> { TokenSql.Match(p, i, first, "system1", "code1") };
        var second = cv.Parts[1];
        conditions.Add(second switch
        {
            TokenValue t => TokenSql.Match(p, i, t, "system2", "code2"),
            NumberValue n => CompositeNumber(i, n),
            DateValue d => RangeSql.CompareDate($"{i}.low2", $"{i}.high2", d.Prefix, p.Add((double)d.Range.Low), p.Add((double)d.Range.High)),
            StringValue s => $"({i}.text2 >= {p.Add(Indexing.VietnameseText.Fold(s.Text))} AND {i}.text2 < {p.Add(Indexing.VietnameseText.Fold(s.Text) + '\uffff')})",
            ReferenceValue r => $"{i}.code2 = {p.Add(r.Id ?? r.Url)}",
            _ => throw new InvalidOperationException($"Composite {parameter.Name} has an unsupported second part."),
        });
        return "(" + string.Join(" AND ", conditions) + ")";
    }

    private string CompositeNumber(string i, NumberValue n)
    {
        var (from, to) = Approximate(n);
        var parts = new List<string> { RangeSql.Compare($"{i}.low2", $"{i}.high2", n.Prefix, p.Add(from), p.Add(to), p.Add(n.Value)) };
        if (n.Code is not null) parts.Add($"{i}.code2 = {p.Add(n.Code)}");
        if (n.System is not null) parts.Add($"{i}.system2 = {p.Add(n.System)}");
        return "(" + string.Join(" AND ", parts) + ")";
    }

    private string MissingPredicate(MissingCriterion m, string alias, string type)
    {
        if (m.Parameter.IsColumn) return m.Missing ? "1=0" : "1=1";
        var i = p.Alias("i");
        var present = $"SELECT {i}.rkey FROM {IndexTables.For(m.Parameter.Type)} {i} WHERE {i}.type = {p.Add(type)} AND {i}.param = {p.Add(m.Parameter.Name)}";
        if (m.Parameter.Type == SearchParamType.Reference)
        {
            // A reference given only by identifier is still there; its identifier is indexed as a token.
            var t = p.Alias("i");
            present += $" UNION SELECT {t}.rkey FROM ix_token {t} WHERE {t}.type = {p.Add(type)} AND {t}.param = {p.Add(m.Parameter.Name + ":identifier")}";
        }
        return $"{alias}.rkey {(m.Missing ? "NOT IN" : "IN")} ({present})";
    }

    private string ChainPredicate(ChainCriterion chain, string alias, string type)
    {
        var i = p.Alias("i");
        var t = p.Alias("t");
        var inner = Predicate(chain.Inner, t, chain.TargetType);
        return $"{alias}.rkey IN (SELECT {i}.rkey FROM ix_reference {i} JOIN resource {t} ON {t}.type = {i}.target_type AND {t}.id = {i}.target_id " +
               $"WHERE {i}.type = {p.Add(type)} AND {i}.param = {p.Add(chain.Reference.Name)} AND {i}.target_type = {p.Add(chain.TargetType)} " +
               $"AND {t}.deleted = 0 AND {inner}{Visible(t, chain.TargetType)})";
    }

    private string HasPredicate(HasCriterion has, string alias, string type)
    {
        var i = p.Alias("i");
        var s = p.Alias("s");
        var inner = Predicate(has.Inner, s, has.SourceType);
        return $"{alias}.id IN (SELECT {i}.target_id FROM ix_reference {i} JOIN resource {s} ON {s}.rkey = {i}.rkey " +
               $"WHERE {i}.type = {p.Add(has.SourceType)} AND {i}.param = {p.Add(has.SourceReference.Name)} " +
               $"AND {i}.target_type = {p.Add(type)} AND {s}.deleted = 0 AND {inner}{Visible(s, has.SourceType)})";
    }

    /// <summary>" AND (what of <paramref name="type"/> the caller may see)"; 403 when they may not search that type at all.</summary>
    private string Visible(string alias, string type)
    {
        if (guard is null) return "";
        guard.Require(type, 's');
        return guard.RowFilter(p, alias, type) is { } filter ? " AND " + filter : "";
    }
}
