using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Hl7.FhirPath;

namespace Telehealth.Fhir.Indexing;

/// <summary>One path of a parameter's expression that applies to one resource type.</summary>
/// <param name="Source">The FHIRPath of this branch.</param>
/// <param name="TargetType">When the SDK's expression says <c>where(resolve() is X)</c>, only references to X count.</param>
/// <param name="Path">The same branch as a plain element walk, when it is one; then FHIRPath is never compiled.</param>
public sealed record ParameterBranch(string Source, string? TargetType, ElementPath? Path)
{
    private readonly Lazy<CompiledExpression> compiled = new(() => SearchParameterRegistry.Compile(Source));

    /// <summary>Compiled on first use: most branches are walked as plain paths and never need it.</summary>
    public CompiledExpression Expression => compiled.Value;
}

public sealed record CompositeComponent(SearchParamType Type, CompiledExpression Expression);

/// <summary>A search parameter as it applies to one resource type.</summary>
public sealed record SearchParameterInfo(
    string Resource,
    string Name,
    SearchParamType Type,
    IReadOnlyList<ParameterBranch> Branches,
    IReadOnlyList<string> Targets,
    IReadOnlyList<CompositeComponent> Components,
    string? Url)
{
    /// <summary>_id and _lastUpdated live in columns of the resource table, not in index tables.</summary>
    public bool IsColumn => Name is "_id" or "_lastUpdated";
}

/// <summary>
/// Every search parameter the SDK defines for R4, split per resource type, with its FHIRPath compiled once.
/// </summary>
public sealed partial class SearchParameterRegistry
{
    private static readonly FhirPathCompiler Compiler = new();
    private readonly FrozenDictionary<string, FrozenDictionary<string, SearchParameterInfo>> byResource;

    public SearchParameterRegistry()
    {
        var definitions = ModelInfo.SearchParameters.Where(d => d.Expression is not null).ToList();
        var byUrl = definitions.Where(d => d.Url is not null).GroupBy(d => d.Url!).ToDictionary(g => g.Key, g => g.First());
        var common = CommonParameters();
        var result = new Dictionary<string, FrozenDictionary<string, SearchParameterInfo>>();
        foreach (var resource in ModelInfo.SupportedResources)
        {
            var parameters = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
            foreach (var (name, type, expression) in common)
                parameters[name] = Build(resource, name, type, expression, [], [], null, byUrl);
            foreach (var d in definitions.Where(d => d.Resource == resource))
            {
                if (d.Type == SearchParamType.Special) continue; // Location.near needs geo search: not offered.
                var targets = d.Target?.Select(t => t.GetLiteral()).OfType<string>().ToArray() ?? [];
                parameters[d.Name!] = Build(resource, d.Name!, d.Type, d.Expression!, targets, d.Component ?? [], d.Url, byUrl);
            }
            result[resource] = parameters.ToFrozenDictionary(StringComparer.Ordinal);
        }
        byResource = result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> ResourceTypes => byResource.Keys;

    public bool IsKnownType(string type) => byResource.ContainsKey(type);

    public IReadOnlyCollection<SearchParameterInfo> For(string resourceType) =>
        byResource.TryGetValue(resourceType, out var p) ? p.Values : [];

    public SearchParameterInfo? Find(string resourceType, string name) =>
        byResource.TryGetValue(resourceType, out var p) && p.TryGetValue(name, out var info) ? info : null;

    private static IEnumerable<(string, SearchParamType, string)> CommonParameters() =>
    [
        ("_id", SearchParamType.Token, "Resource.id"),
        ("_lastUpdated", SearchParamType.Date, "Resource.meta.lastUpdated"),
        ("_tag", SearchParamType.Token, "Resource.meta.tag"),
        ("_profile", SearchParamType.Uri, "Resource.meta.profile"),
        ("_security", SearchParamType.Token, "Resource.meta.security"),
        ("_source", SearchParamType.Uri, "Resource.meta.source"),
    ];

    private static SearchParameterInfo Build(string resource, string name, SearchParamType type, string expression,
        IReadOnlyList<string> targets, IEnumerable<SearchParamComponent> components, string? url,
        Dictionary<string, SearchParamDefinition> byUrl)
    {
        var branches = BranchesFor(resource, FhirTypeNames(expression)).Select(CompileBranch).ToList();
        var compiledComponents = components
            .Select(c => new CompositeComponent(
                byUrl.TryGetValue(c.Definition, out var def) ? def.Type : SearchParamType.Token,
                Compiler.Compile(FhirTypeNames(c.Expression))))
            .ToList();
        return new SearchParameterInfo(resource, name, type, branches, targets, compiledComponents, url);
    }

    /// <summary>
    /// The SDK's expressions are unions over many resource types ("Account.subject | CarePlan.subject ...").
    /// Keeping only this type's branches makes indexing several times faster.
    /// </summary>
    internal static IEnumerable<string> BranchesFor(string resource, string expression)
    {
        foreach (var branch in SplitTopLevelUnion(expression))
        {
            var head = branch.TrimStart('(').Trim();
            var first = IdentifierHead().Match(head).Value;
            if (first == resource || first == "Resource" || first == "DomainResource")
                yield return branch.Trim();
        }
    }

    private static ParameterBranch CompileBranch(string branch)
    {
        var m = ResolveIs().Match(branch);
        if (m.Success)
        {
            var stripped = branch.Remove(m.Index, m.Length);
            return new ParameterBranch(stripped, m.Groups["type"].Value, ElementPath.TryParse(stripped));
        }
        return new ParameterBranch(branch, null, ElementPath.TryParse(branch));
    }

    internal static CompiledExpression Compile(string expression)
    {
        lock (Compiler) return Compiler.Compile(expression);
    }

    /// <summary>
    /// The SDK writes Observation's code-value-date component as <c>value.as(DateTime)</c>; in FHIRPath that names the
    /// System type, which a FHIR dateTime element is not, so the expression would find nothing. Use the FHIR names.
    /// </summary>
    internal static string FhirTypeNames(string expression) =>
        SystemPrimitiveCast().Replace(expression, m => m.Groups["op"].Value + char.ToLowerInvariant(m.Groups["type"].Value[0]) + m.Groups["type"].Value[1..]);

    private static IEnumerable<string> SplitTopLevelUnion(string expression)
    {
        int depth = 0, start = 0;
        var inString = false;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (c == '\'') inString = !inString;
            if (inString) continue;
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0)
            {
                yield return expression[start..i];
                start = i + 1;
            }
        }
        yield return expression[start..];
    }

    [GeneratedRegex(@"(?<op>\b(?:as|is|ofType)(?:\(\s*|\s+))(?<type>DateTime|Date|Time|String|Boolean|Integer|Decimal)\b")]
    private static partial Regex SystemPrimitiveCast();

    [GeneratedRegex(@"^[A-Za-z]+")]
    private static partial Regex IdentifierHead();

    [GeneratedRegex(@"\.where\(resolve\(\) is (?<type>[A-Za-z]+)\)")]
    private static partial Regex ResolveIs();
}
