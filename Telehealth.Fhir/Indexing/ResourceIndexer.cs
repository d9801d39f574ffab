using System.Text;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Indexing;

/// <summary>Turns a resource into the typed values its search parameters index.</summary>
public sealed class ResourceIndexer(SearchParameterRegistry registry, LocalBases bases, ILogger<ResourceIndexer> logger)
{
    public ResourceIndex Index(Resource resource)
    {
        var index = new ResourceIndex();
        // The FHIRPath view of the resource is only built when a branch or a composite needs it.
        PocoNode? node = null;
        FhirEvaluationContext? context = null;
        PocoNode Node() => node ??= resource.ToPocoNode(ModelInfo.ModelInspector);
        FhirEvaluationContext Context() => context ??= new FhirEvaluationContext { Resource = Node(), RootResource = Node() };
        foreach (var parameter in registry.For(resource.TypeName))
        {
            if (parameter.IsColumn) continue;
            foreach (var branch in parameter.Branches)
            {
                IEnumerable<Base> values;
                try
                {
                    values = branch.Path is { } path
                        ? path.Select(resource).ToList()
                        : branch.Expression(Node(), Context()).Select(n => n.Poco).OfType<Base>().ToList();
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or InvalidCastException)
                {
                    // One parameter the SDK cannot evaluate on this instance must not block storing it.
                    logger.LogWarning(e, "Search parameter {Resource}.{Param} could not be evaluated", resource.TypeName, parameter.Name);
                    continue;
                }
                foreach (var value in values)
                    Add(index, parameter, branch, value, parameter.Type == SearchParamType.Composite ? Context() : null);
            }
        }
        return index;
    }

    private void Add(ResourceIndex index, SearchParameterInfo p, ParameterBranch branch, Base value, FhirEvaluationContext? context)
    {
        switch (p.Type)
        {
            case SearchParamType.String:
                foreach (var s in IndexValueReader.Strings(value))
                    // NFC for :exact, so "Nguyễn" typed as base letters plus combining marks is the same text.
                    index.Strings.Add(new StringIndex(p.Name, Truncate(VietnameseText.Fold(s)), Truncate(s.Normalize(NormalizationForm.FormC))));
                break;
            case SearchParamType.Token:
                foreach (var (system, code, text) in IndexValueReader.Tokens(value))
                    index.Tokens.Add(new TokenIndex(p.Name, system, code, text is null ? null : Truncate(VietnameseText.Fold(text))));
                break;
            case SearchParamType.Date:
                if (IndexValueReader.Date(value) is { } range)
                    index.Dates.Add(new DateIndex(p.Name, range.Low, range.High));
                break;
            case SearchParamType.Reference:
                foreach (var r in IndexValueReader.References(value, p.Name, branch.TargetType, bases))
                    index.References.Add(r);
                // A logical reference names no resource to resolve; the branch's "resolve() is X" is then decided by the
                // type the reference states, if it states one (an AuditEvent's client, a Device, is not its patient).
                if (value is ResourceReference { Identifier: { } id } logical && StatedTypeFits(logical, branch.TargetType, bases))
                    index.Tokens.Add(new TokenIndex(p.Name + ":identifier", id.System, id.Value, null));
                break;
            case SearchParamType.Quantity:
                foreach (var q in IndexValueReader.Quantities(value, p.Name))
                    index.Quantities.Add(q);
                break;
            case SearchParamType.Number:
                if (IndexValueReader.Number(value) is { } n)
                    index.Numbers.Add(new NumberIndex(p.Name, null, null, n, n));
                break;
            case SearchParamType.Uri:
                if (IndexValueReader.Uri(value) is { } uri)
                    index.Uris.Add(new UriIndex(p.Name, uri));
                break;
            case SearchParamType.Composite:
                foreach (var c in CompositeReader.Read(p, value, context!, bases))
                    index.Composites.Add(c);
                break;
        }
    }

    private static string Truncate(string s) => s.Length <= 512 ? s : s[..512];

    /// <summary>
    /// Whether a reference may be to <paramref name="targetType"/> (null: any) by what it states: its <c>type</c>, else
    /// the type in its literal reference to this server; one that states neither may be.
    /// </summary>
    private static bool StatedTypeFits(ResourceReference reference, string? targetType, LocalBases bases)
    {
        if (targetType is null) return true;
        if (!string.IsNullOrEmpty(reference.Type)) return reference.Type[(reference.Type.LastIndexOf('/') + 1)..] == targetType;
        return string.IsNullOrEmpty(reference.Reference) || !ReferenceParts.TryParseLocal(reference.Reference, bases, out var type, out _)
            || type == targetType;
    }
}
