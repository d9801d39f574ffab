using Hl7.Fhir.Model;
using Microsoft.Extensions.Primitives;
using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Search;

/// <summary>
/// Turns query parameters into a <see cref="SearchRequest"/>. Unknown or unsupported parameters are a 400 under
/// <c>Prefer: handling=strict</c>, and otherwise ignored and left out of the self link.
/// </summary>
public sealed class SearchParser(SearchParameterRegistry registry, LocalBases bases)
{
    public const int DefaultCount = 20;
    public const int MaxCount = 1000;

    private static readonly HashSet<string> Ignored = ["_format", "_pretty"];

    private static readonly HashSet<string> StringModifiers = ["exact", "contains", "missing"];
    private static readonly HashSet<string> TokenModifiers = ["not", "text", "missing"];
    private static readonly HashSet<string> UriModifiers = ["below", "above", "missing"];

    public SearchRequest Parse(string type, IEnumerable<KeyValuePair<string, StringValues>> query, bool strict)
    {
        var criteria = new List<Criterion>();
        var sort = new List<SortKey>();
        var includes = new List<IncludeSpec>();
        var revIncludes = new List<IncludeSpec>();
        var accepted = new List<KeyValuePair<string, string>>();
        int count = DefaultCount;
        var total = TotalMode.Default;
        var summary = SummaryMode.None;
        List<string>? elements = null;
        PageCursor? cursor = null;

        foreach (var (key, values) in query)
        {
            foreach (var value in values)
            {
                if (value is null) continue;
                if (Ignored.Contains(key)) continue;
                // What the self link shows for this parameter: the value, or nothing when it was ignored.
                string? keep = value;
                switch (key)
                {
                    case "_count":
                        if (!int.TryParse(value, out count) || count < 0)
                            throw FhirException.BadRequest($"_count must be a whole number from 0 to {MaxCount}; got '{value}'.");
                        count = Math.Min(count, MaxCount);
                        break;
                    case "_cursor":
                        cursor = PageCursor.Decode(value);
                        keep = null;
                        break;
                    case "_sort":
                        var keys = ParseSort(type, value, strict).ToList();
                        sort.AddRange(keys);
                        // The self link shows only the keys that were used.
                        keep = keys.Count == 0 ? null : string.Join(',', keys.Select(k => (k.Direction == SortDirection.Descending ? "-" : "") + k.Parameter.Name));
                        break;
                    case "_total":
                        total = value switch
                        {
                            "accurate" or "estimate" => TotalMode.Accurate,
                            "none" => TotalMode.None,
                            _ => throw FhirException.BadRequest($"_total takes none, estimate or accurate; got '{value}'."),
                        };
                        break;
                    case "_summary":
                        summary = value switch
                        {
                            "true" => SummaryMode.True, "count" => SummaryMode.Count, "data" => SummaryMode.Data,
                            "text" => SummaryMode.Text, "false" => SummaryMode.None,
                            _ => throw FhirException.BadRequest($"_summary takes true, false, count, data or text; got '{value}'."),
                        };
                        break;
                    case "_elements":
                        // id and meta always go along: a client needs the id, and meta carries the SUBSETTED tag.
                        elements = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Union(["id", "meta"])];
                        break;
                    case "_include" or "_include:iterate" or "_include:recurse":
                        if (ParseInclude(value, key != "_include", strict, reverse: false) is { } inc) includes.Add(inc); else keep = null;
                        break;
                    case "_revinclude" or "_revinclude:iterate" or "_revinclude:recurse":
                        if (ParseInclude(value, key != "_revinclude", strict, reverse: true) is { } rev) revIncludes.Add(rev); else keep = null;
                        break;
                    default:
                        var criterion = ParseCriterion(type, key, value, strict);
                        if (criterion is null) keep = null; else criteria.Add(criterion);
                        break;
                }
                if (keep is not null) accepted.Add(new(key, keep));
            }
        }
        return new SearchRequest(type, criteria, sort, count, total, summary, elements, includes, revIncludes, cursor, accepted);
    }

    /// <summary>Parses one <c>key=value</c> condition on <paramref name="type"/>; null when it is ignored (lenient).</summary>
    public Criterion? ParseCriterion(string type, string key, string value, bool strict)
    {
        if (key.StartsWith("_has:", StringComparison.Ordinal)) return ParseHas(type, key, value, strict);

        var dot = key.IndexOf('.');
        if (dot > 0) return ParseChain(type, key[..dot], key[(dot + 1)..], value, strict);

        var (name, modifier) = SplitModifier(key);
        var parameter = registry.Find(type, name);
        if (parameter is null)
            return Unknown(strict, $"Unknown search parameter '{name}' for {type}. See /fhir/metadata for the parameters each type supports.");

        if (modifier == "missing")
        {
            if (value is not ("true" or "false")) throw FhirException.BadRequest($"'{key}' takes true or false; got '{value}'.");
            return new MissingCriterion(parameter, value == "true");
        }
        if (modifier is not null && !ModifierAllowed(parameter, modifier))
            return Unknown(strict, $"Modifier ':{modifier}' is not supported on '{name}' ({parameter.Type}).");
        if (parameter.Type == SearchParamType.Reference && modifier is not null && modifier != "identifier" && !ModelInfo.IsKnownResource(modifier))
            return Unknown(strict, $"':{modifier}' is not a resource type for reference parameter '{name}'.");

        var values = SplitValues(value).Select(v => SearchValueParser.Parse(parameter, v, modifier, bases)).ToList();
        if (values.Count == 0) return Unknown(strict, $"Parameter '{key}' has no value.");
        return new ParameterCriterion(parameter, modifier, values);
    }

    private Criterion? ParseChain(string type, string head, string rest, string value, bool strict)
    {
        var (name, typeModifier) = SplitModifier(head);
        var reference = registry.Find(type, name);
        if (reference is not { Type: SearchParamType.Reference })
            return Unknown(strict, $"'{name}' is not a reference parameter of {type}, so it cannot be chained.");
        if (typeModifier is not null)
        {
            if (!ModelInfo.IsKnownResource(typeModifier)) return Unknown(strict, $"'{typeModifier}' is not a resource type.");
            var inner = ParseCriterion(typeModifier, rest, value, strict);
            return inner is null ? null : new ChainCriterion(reference, typeModifier, inner);
        }
        // Without a type, the chain goes into every target type that has the chained parameter, as the spec's
        // "DiagnosticReport?subject.name=peter" does; "subject:Patient.name" narrows it to one.
        var restName = SplitModifier(rest.Split('.')[0]).Name;
        var targets = reference.Targets.Where(t => registry.Find(t, restName) is not null).ToList();
        if (targets.Count == 0)
            return Unknown(strict, $"None of the types '{name}' can refer to ({string.Join(", ", reference.Targets)}) has a search parameter '{restName}'.");
        var chains = new List<Criterion>();
        foreach (var target in targets)
            if (ParseCriterion(target, rest, value, strict) is { } inner) chains.Add(new ChainCriterion(reference, target, inner));
        return chains.Count switch { 0 => null, 1 => chains[0], _ => new AnyCriterion(chains) };
    }

    private Criterion? ParseHas(string type, string key, string value, bool strict)
    {
        // _has:Observation:patient:code=...  and nested _has:...:_has:...
        var parts = key.Split(':', 4);
        if (parts.Length < 4) throw FhirException.BadRequest($"'{key}' should read _has:Type:reference:parameter.");
        var (source, refName, rest) = (parts[1], parts[2], parts[3]);
        if (!registry.IsKnownType(source)) return Unknown(strict, $"'{source}' in '{key}' is not a resource type.");
        var reference = registry.Find(source, refName);
        if (reference is not { Type: SearchParamType.Reference })
            return Unknown(strict, $"'{refName}' is not a reference parameter of {source}.");
        var inner = ParseCriterion(source, rest, value, strict);
        return inner is null ? null : new HasCriterion(source, reference, inner);
    }

    private IEnumerable<SortKey> ParseSort(string type, string value, bool strict)
    {
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var descending = item.StartsWith('-');
            var name = descending ? item[1..] : item;
            var parameter = registry.Find(type, name);
            if (parameter is null || parameter.Type == SearchParamType.Composite)
            {
                Unknown(strict, $"Cannot sort {type} by '{name}'.");
                continue;
            }
            yield return new SortKey(parameter, descending ? SortDirection.Descending : SortDirection.Ascending);
        }
    }

    private IncludeSpec? ParseInclude(string value, bool iterate, bool strict, bool reverse)
    {
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || !registry.IsKnownType(parts[0]))
            return Ignore<IncludeSpec>(strict, $"'{value}' should read Type:parameter[:TargetType].");
        var param = parts[1] == "*" ? null : parts[1];
        if (param is not null && registry.Find(parts[0], param) is not { Type: SearchParamType.Reference })
            return Ignore<IncludeSpec>(strict, $"'{param}' is not a reference parameter of {parts[0]}.");
        var target = parts.Length == 3 ? parts[2] : null;
        if (target is not null && !registry.IsKnownType(target))
            return Ignore<IncludeSpec>(strict, $"'{target}' is not a resource type.");
        return new IncludeSpec(parts[0], param, target, iterate);
    }

    private static bool ModifierAllowed(SearchParameterInfo p, string modifier) => p.Type switch
    {
        SearchParamType.String => StringModifiers.Contains(modifier),
        SearchParamType.Token => TokenModifiers.Contains(modifier),
        SearchParamType.Uri => UriModifiers.Contains(modifier),
        SearchParamType.Reference => modifier == "identifier" || ModelInfo.IsKnownResource(modifier),
        _ => false,
    };

    private static (string Name, string? Modifier) SplitModifier(string key)
    {
        var colon = key.IndexOf(':');
        return colon < 0 ? (key, null) : (key[..colon], key[(colon + 1)..]);
    }

    private static IEnumerable<string> SplitValues(string value)
    {
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\') { i++; continue; }
            if (value[i] != ',') continue;
            if (i > start) yield return value[start..i];
            start = i + 1;
        }
        if (start < value.Length) yield return value[start..];
    }

    private static Criterion? Unknown(bool strict, string message) => Ignore<Criterion>(strict, message);

    private static T? Ignore<T>(bool strict, string message) where T : class =>
        strict ? throw FhirException.BadRequest(message) : null;
}
