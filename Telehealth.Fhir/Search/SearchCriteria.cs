using Telehealth.Fhir.Indexing;

namespace Telehealth.Fhir.Search;

public enum Prefix { Eq, Ne, Gt, Lt, Ge, Le, Sa, Eb, Ap }

/// <summary>A parsed search value; several in one parameter (comma-separated) are alternatives.</summary>
public abstract record SearchValue;

public sealed record StringValue(string Text) : SearchValue;

/// <summary><c>code</c>, <c>system|code</c>, <c>|code</c> (no system) or <c>system|</c>.</summary>
public sealed record TokenValue(string? System, string? Code, bool SystemGiven) : SearchValue;

public sealed record DateValue(Prefix Prefix, FhirDateRange Range) : SearchValue;

/// <summary>A number or quantity: the value as written and the range its precision implies.</summary>
public sealed record NumberValue(Prefix Prefix, decimal Value, decimal Low, decimal High, string? System, string? Code) : SearchValue;

public sealed record ReferenceValue(string? Type, string? Id, string? Url) : SearchValue;

public sealed record UriValue(string Uri) : SearchValue;

public sealed record CompositeValue(IReadOnlyList<SearchValue> Parts) : SearchValue;

/// <summary>One condition of a search; all criteria of a query must hold.</summary>
public abstract record Criterion;

/// <summary><c>name[:modifier]=v1,v2</c> on the searched type.</summary>
public sealed record ParameterCriterion(SearchParameterInfo Parameter, string? Modifier, IReadOnlyList<SearchValue> Values) : Criterion;

/// <summary><c>name:missing=true|false</c>.</summary>
public sealed record MissingCriterion(SearchParameterInfo Parameter, bool Missing) : Criterion;

/// <summary><c>subject:Patient.name=...</c>: the referenced resource must match the inner criterion.</summary>
public sealed record ChainCriterion(SearchParameterInfo Reference, string TargetType, Criterion Inner) : Criterion;

/// <summary>At least one of the alternatives holds: <c>subject.name=...</c> chains into every target type that has <c>name</c>.</summary>
public sealed record AnyCriterion(IReadOnlyList<Criterion> Alternatives) : Criterion;

/// <summary><c>_has:Observation:patient:code=...</c>: some Observation referring to this resource must match.</summary>
public sealed record HasCriterion(string SourceType, SearchParameterInfo SourceReference, Criterion Inner) : Criterion;

public enum SortDirection { Ascending, Descending }

public sealed record SortKey(SearchParameterInfo Parameter, SortDirection Direction);

/// <summary><c>_include=Source:param[:Target]</c> or <c>_revinclude=...</c>, optionally <c>:iterate</c>.</summary>
public sealed record IncludeSpec(string SourceType, string? Param, string? TargetType, bool Iterate);

/// <summary>
/// Default: a total only when it costs nothing (everything fit on the first page); None: never (<c>_total=none</c>);
/// Accurate: counted (<c>_total=accurate</c> or <c>estimate</c>).
/// </summary>
public enum TotalMode { None, Accurate, Default }

public enum SummaryMode { None, True, Count, Data, Text }

/// <summary>A search, parsed and checked against the resource type's parameters.</summary>
public sealed record SearchRequest(
    string ResourceType,
    IReadOnlyList<Criterion> Criteria,
    IReadOnlyList<SortKey> Sort,
    int Count,
    TotalMode Total,
    SummaryMode Summary,
    IReadOnlyList<string>? Elements,
    IReadOnlyList<IncludeSpec> Includes,
    IReadOnlyList<IncludeSpec> RevIncludes,
    PageCursor? Cursor,
    IReadOnlyList<KeyValuePair<string, string>> AcceptedParameters)
{
    /// <summary>Whether this page is read going back from its cursor (a <c>previous</c> link).</summary>
    public bool Backward => Cursor?.Backward == true;
}
