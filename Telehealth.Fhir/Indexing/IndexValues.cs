namespace Telehealth.Fhir.Indexing;

/// <summary>A string index entry: folded for ordinary search, original for <c>:exact</c>.</summary>
public sealed record StringIndex(string Param, string Folded, string Exact);

/// <summary>A token: system and code, plus folded display text for <c>:text</c>.</summary>
public sealed record TokenIndex(string Param, string? System, string? Code, string? Text);

/// <summary>A date or period as an inclusive range of UTC ticks.</summary>
public sealed record DateIndex(string Param, long Low, long High)
{
    /// <summary>How long the range is, as its class in the index: a bound on a short range's end bounds its start too (see DateSql).</summary>
    public DateSpan Span => (High - Low) switch
    {
        < TimeSpan.TicksPerHour => DateSpan.UnderAnHour,
        < TimeSpan.TicksPerDay => DateSpan.UnderADay,
        _ => DateSpan.Long,
    };
}

/// <summary>
/// The span classes of <c>ix_date.span_class</c>, stored as their numbers. Instants (to the second or minute) and short
/// periods are under an hour; a date to the day is under a day; a month, a year or a long period is long.
/// </summary>
public enum DateSpan : short
{
    Long = 0,
    UnderADay = 1,
    UnderAnHour = 2,
}

/// <summary>A reference: local target (type and id) or an absolute URL.</summary>
public sealed record ReferenceIndex(string Param, string? TargetType, string? TargetId, string? Url);

/// <summary>A quantity or number as an inclusive range, with the unit's system and code for quantities.</summary>
public sealed record NumberIndex(string Param, string? System, string? Code, decimal Low, decimal High);

public sealed record UriIndex(string Param, string Uri);

/// <summary>One combination of a composite parameter: a token part and a second part of any type.</summary>
public sealed record CompositeIndex(string Param, string? System1, string? Code1, string? System2, string? Code2, double? Low2, double? High2, string? Text2);

/// <summary>Everything the search tables hold for one resource version.</summary>
public sealed class ResourceIndex
{
    public List<StringIndex> Strings { get; } = [];
    public List<TokenIndex> Tokens { get; } = [];
    public List<DateIndex> Dates { get; } = [];
    public List<ReferenceIndex> References { get; } = [];
    public List<NumberIndex> Quantities { get; } = [];
    public List<NumberIndex> Numbers { get; } = [];
    public List<UriIndex> Uris { get; } = [];
    public List<CompositeIndex> Composites { get; } = [];

    /// <summary>
    /// The one patient the resource names (every reference to a Patient names the same one); null when it names none
    /// or several. Kept in the resource row (<c>resource.patient</c>) for the commune doctor's read check.
    /// </summary>
    public string? SolePatient()
    {
        string? sole = null;
        foreach (var r in References)
        {
            if (r.TargetType != "Patient" || r.TargetId is not { } id) continue;
            if (sole is null) sole = id;
            else if (!string.Equals(sole, id, StringComparison.Ordinal)) return null;
        }
        return sole;
    }
}
