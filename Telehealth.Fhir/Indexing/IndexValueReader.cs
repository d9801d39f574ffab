using System.Collections.Concurrent;
using System.Reflection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace Telehealth.Fhir.Indexing;

/// <summary>Reads the values a search parameter type takes from one FHIR element.</summary>
internal static class IndexValueReader
{
    public static IEnumerable<string> Strings(Base value)
    {
        switch (value)
        {
            case HumanName n:
                if (n.Text is { } t) yield return t;
                if (n.Family is { } f) yield return f;
                foreach (var g in n.Given ?? []) if (g is not null) yield return g;
                foreach (var p in n.Prefix ?? []) if (p is not null) yield return p;
                foreach (var s in n.Suffix ?? []) if (s is not null) yield return s;
                // "Nguyễn Văn An" is searched as a whole as often as by its parts.
                var full = string.Join(' ', new[] { n.Family }.Concat(n.Given ?? []).Where(x => !string.IsNullOrWhiteSpace(x)));
                if (full.Contains(' ') && full != n.Text) yield return full;
                break;
            case Address a:
                if (a.Text is { } at) yield return at;
                foreach (var l in a.Line ?? []) if (l is not null) yield return l;
                foreach (var part in new[] { a.City, a.District, a.State, a.PostalCode, a.Country })
                    if (part is not null) yield return part;
                break;
            case PrimitiveType { JsonValue: { } v }:
                yield return v.ToString()!;
                break;
            case Annotation { Text: { } text }:
                yield return text;
                break;
        }
    }

    public static IEnumerable<(string? System, string? Code, string? Text)> Tokens(Base value)
    {
        switch (value)
        {
            case Coding c:
                yield return (c.System, c.Code, c.Display);
                break;
            case CodeableConcept cc:
                foreach (var c in cc.Coding ?? []) yield return (c.System, c.Code, c.Display ?? cc.Text);
                if (cc.Text is { } text) yield return (null, null, text);
                break;
            case Identifier i:
                yield return (i.System, i.Value, i.Type?.Text);
                break;
            case ContactPoint cp:
                yield return (cp.System?.GetLiteral(), cp.Value, null);
                break;
            case FhirBoolean b when b.Value is { } bv:
                yield return (null, bv ? "true" : "false", null);
                break;
            case Code c when c.Value is not null:
                // Enumerated codes (Code<T>, a subclass of Code) carry their code system, so gender=system|male works.
                yield return (EnumSystem(c), c.Value, null);
                break;
            case PrimitiveType { JsonValue: { } v } p when p is not FhirBoolean:
                yield return (null, v.ToString(), null);
                break;
        }
    }

    // Code<T> hides Code.Value with its own typed Value, so it is looked up on the generic type only. Both look-ups
    // read attributes by reflection, which cost a create 5 % of the service's CPU (16 enumerated codes in a create and
    // its AuditEvent); an enum's members are few, so they are remembered.
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> TypedValues = new();
    private static readonly ConcurrentDictionary<Enum, string?> EnumSystems = new();

    private static string? EnumSystem(Code code)
    {
        var type = code.GetType();
        if (!type.IsGenericType) return null;
        var typed = TypedValues.GetOrAdd(type,
            static t => t.GetProperty("Value", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        return typed?.GetValue(code) is Enum e ? EnumSystems.GetOrAdd(e, static v => v.GetSystem()) : null;
    }

    public static FhirDateRange? Date(Base value)
    {
        switch (value)
        {
            case Date d when FhirDateRange.TryParse(d.Value, out var r): return r;
            case FhirDateTime dt when FhirDateRange.TryParse(dt.Value, out var r): return r;
            case Instant i when i.Value is { } iv: return FhirDateRange.Exact(iv);
            case FhirString s when FhirDateRange.TryParse(s.Value, out var r): return r;
            case Period p:
                var low = p.Start is { } ps && FhirDateRange.TryParse(ps, out var pr) ? pr.Low : DateTime.MinValue.Ticks;
                var high = p.End is { } pe && FhirDateRange.TryParse(pe, out var er) ? er.High : DateTime.MaxValue.Ticks;
                return p.Start is null && p.End is null ? null : new FhirDateRange(low, high);
            case Timing t:
                var events = (t.EventElement ?? []).Select(e => FhirDateRange.TryParse(e.Value, out var r) ? r : (FhirDateRange?)null)
                    .Where(r => r is not null).Select(r => r!.Value).ToList();
                if (t.Repeat?.Bounds is Period bp) return Date(bp);
                return events.Count == 0 ? null : new FhirDateRange(events.Min(e => e.Low), events.Max(e => e.High));
            default: return null;
        }
    }

    public static IEnumerable<ReferenceIndex> References(Base value, string param, string? onlyType, LocalBases bases)
    {
        string? reference = value switch
        {
            ResourceReference r => r.Reference,
            Canonical c => c.Value,
            FhirUri u => u.Value,
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(reference)) yield break;
        if (ReferenceParts.TryParseLocal(reference, bases, out var type, out var id))
        {
            if (onlyType is null || onlyType == type) yield return new ReferenceIndex(param, type, id, null);
        }
        else if (onlyType is null)
        {
            yield return new ReferenceIndex(param, null, null, reference);
        }
    }

    public static IEnumerable<NumberIndex> Quantities(Base value, string param)
    {
        switch (value)
        {
            case Quantity q when q.Value is { } v:
                yield return new NumberIndex(param, q.System, q.Code ?? q.Unit, v, v);
                // "120||mmHg" should find a value coded "mm[Hg]" whose human unit reads "mmHg": the unit, without a system.
                if (q.Code is not null && !string.IsNullOrEmpty(q.Unit) && q.Unit != q.Code)
                    yield return new NumberIndex(param, null, q.Unit, v, v);
                break;
            case Money m when m.Value is { } mv:
                yield return new NumberIndex(param, "urn:iso:std:iso:4217", m.Currency?.GetLiteral(), mv, mv);
                break;
            case Hl7.Fhir.Model.Range r when r.Low?.Value is not null || r.High?.Value is not null:
                yield return new NumberIndex(param, r.Low?.System ?? r.High?.System, r.Low?.Code ?? r.High?.Code,
                    r.Low?.Value ?? decimal.MinValue, r.High?.Value ?? decimal.MaxValue);
                break;
        }
    }

    public static decimal? Number(Base value) => value switch
    {
        FhirDecimal d => d.Value,
        Integer i => i.Value,
        PositiveInt p => p.Value,
        UnsignedInt u => u.Value,
        Integer64 l => l.Value,
        _ => null,
    };

    public static string? Uri(Base value) => value switch
    {
        PrimitiveType { JsonValue: { } v } => v.ToString(),
        _ => null,
    };
}
