using System.Globalization;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Search;

/// <summary>Parses one search value for a parameter type; a value that cannot mean anything is a 400.</summary>
public static class SearchValueParser
{
    private static readonly Dictionary<string, Prefix> Prefixes = new()
    {
        ["eq"] = Prefix.Eq, ["ne"] = Prefix.Ne, ["gt"] = Prefix.Gt, ["lt"] = Prefix.Lt, ["ge"] = Prefix.Ge,
        ["le"] = Prefix.Le, ["sa"] = Prefix.Sa, ["eb"] = Prefix.Eb, ["ap"] = Prefix.Ap,
    };

    public static SearchValue Parse(SearchParameterInfo p, string raw, string? modifier, LocalBases bases) => p.Type switch
    {
        SearchParamType.String => new StringValue(Unescape(raw)),
        SearchParamType.Token => Token(raw),
        SearchParamType.Date => Date(p.Name, raw),
        SearchParamType.Number => Number(p.Name, raw, quantity: false),
        SearchParamType.Quantity => Number(p.Name, raw, quantity: true),
        SearchParamType.Reference when modifier == "identifier" => Token(raw),
        SearchParamType.Reference => Reference(raw, modifier, bases),
        SearchParamType.Uri => new UriValue(Unescape(raw)),
        SearchParamType.Composite => Composite(p, raw, bases),
        _ => throw FhirException.BadRequest($"Parameter '{p.Name}' of type {p.Type} cannot be searched."),
    };

    public static TokenValue Token(string raw)
    {
        var bar = IndexOfUnescaped(raw, '|');
        if (bar < 0) return new TokenValue(null, Unescape(raw), false);
        var system = Unescape(raw[..bar]);
        var code = Unescape(raw[(bar + 1)..]);
        return new TokenValue(system.Length == 0 ? null : system, code.Length == 0 ? null : code, true);
    }

    public static DateValue Date(string name, string raw)
    {
        var (prefix, text) = SplitPrefix(raw);
        if (!FhirDateRange.TryParse(text, out var range))
            throw FhirException.BadRequest(
                $"'{raw}' is not a date for parameter '{name}'. Use yyyy, yyyy-MM, yyyy-MM-dd or yyyy-MM-ddThh:mm[:ss][Z|+hh:mm], optionally after a prefix such as ge or lt.");
        return new DateValue(prefix, range);
    }

    public static NumberValue Number(string name, string raw, bool quantity)
    {
        var (prefix, text) = SplitPrefix(raw);
        string? system = null, code = null;
        if (quantity)
        {
            var parts = text.Split('|');
            if (parts.Length is 2 or > 3)
                throw FhirException.BadRequest($"'{raw}' is not a quantity for parameter '{name}'. Use number, number|system|code or number||code.");
            text = parts[0];
            if (parts.Length == 3)
            {
                system = parts[1].Length == 0 ? null : parts[1];
                code = parts[2].Length == 0 ? null : parts[2];
            }
        }
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw FhirException.BadRequest($"'{raw}' is not a number for parameter '{name}'.");
        var half = HalfUnitOfPrecision(text);
        return new NumberValue(prefix, value, value - half, value + half, system, code);
    }

    private static ReferenceValue Reference(string raw, string? typeModifier, LocalBases bases)
    {
        // An absolute URL under this server's address names a local resource; any other matches only that URL.
        if (ReferenceParts.IsAbsolute(raw))
            return ReferenceParts.TryParseLocal(raw, bases, out var t, out var i) ? new ReferenceValue(t, i, null) : new ReferenceValue(null, null, raw);
        var slash = raw.IndexOf('/');
        if (slash > 0)
        {
            var type = raw[..slash];
            if (!ModelInfo.IsKnownResource(type)) throw FhirException.BadRequest($"'{raw}' names an unknown resource type '{type}'.");
            // "Patient/1/_history/2" names a version of Patient/1; references are indexed by resource, so match that.
            return ReferenceParts.TryParseLocal(raw, bases, out var localType, out var localId)
                ? new ReferenceValue(localType, localId, null)
                : new ReferenceValue(type, raw[(slash + 1)..], null);
        }
        return new ReferenceValue(typeModifier, raw, null);
    }

    private static CompositeValue Composite(SearchParameterInfo p, string raw, LocalBases bases)
    {
        var pieces = SplitUnescaped(raw, '$');
        if (pieces.Length != p.Components.Count || pieces.Length < 2)
            throw FhirException.BadRequest($"Parameter '{p.Name}' takes {p.Components.Count} parts joined by '$'; '{raw}' has {pieces.Length}.");
        var parts = new List<SearchValue>();
        for (var i = 0; i < pieces.Length; i++)
        {
            parts.Add(p.Components[i].Type switch
            {
                SearchParamType.Token => Token(pieces[i]),
                SearchParamType.Quantity => Number(p.Name, pieces[i], quantity: true),
                SearchParamType.Number => Number(p.Name, pieces[i], quantity: false),
                SearchParamType.Date => Date(p.Name, pieces[i]),
                SearchParamType.String => new StringValue(Unescape(pieces[i])),
                SearchParamType.Reference => Reference(pieces[i], null, bases),
                _ => throw FhirException.BadRequest($"Parameter '{p.Name}' has a component that cannot be searched."),
            });
        }
        return new CompositeValue(parts);
    }

    private static (Prefix, string) SplitPrefix(string raw) =>
        raw.Length > 2 && Prefixes.TryGetValue(raw[..2], out var prefix) ? (prefix, raw[2..]) : (Prefix.Eq, raw);

    /// <summary>"100" means 99.5 to 100.5; "100.0" means 99.95 to 100.05 (FHIR's implicit precision).</summary>
    private static decimal HalfUnitOfPrecision(string text)
    {
        var mantissa = text.Split('e', 'E')[0];
        var dot = mantissa.IndexOf('.');
        var decimals = dot < 0 ? 0 : mantissa.Length - dot - 1;
        var half = 0.5m;
        for (var i = 0; i < decimals; i++) half /= 10;
        var e = text.IndexOfAny(['e', 'E']);
        if (e > 0 && int.TryParse(text[(e + 1)..], out var exponent))
            for (var i = 0; i < Math.Abs(exponent); i++) half = exponent > 0 ? half * 10 : half / 10;
        return half;
    }

    private static string[] SplitUnescaped(string s, char separator)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] != separator) continue;
            pieces.Add(s[start..i]);
            start = i + 1;
        }
        pieces.Add(s[start..]);
        return [.. pieces];
    }

    private static int IndexOfUnescaped(string s, char c)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == c) return i;
        }
        return -1;
    }

    /// <summary>Removes FHIR's escapes (\, \| \$ \\) in one pass, so an escaped backslash before '|' stays a backslash.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length) i++;
            sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
