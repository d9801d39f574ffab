using System.Text;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Indexing;

/// <summary>Turns a resource into the typed values its search parameters index.</summary>
public sealed class ResourceIndexer(SearchParameterRegistry registry, ILogger<ResourceIndexer> logger)
{
    public ResourceIndex Index(Resource resource)
    {
        var index = new ResourceIndex();
        var node = resource.ToPocoNode(ModelInfo.ModelInspector);
        var context = new FhirEvaluationContext { Resource = node, RootResource = node };
        foreach (var parameter in registry.For(resource.TypeName))
        {
            if (parameter.IsColumn) continue;
            foreach (var branch in parameter.Branches)
            {
                IEnumerable<PocoNode> values;
                try
                {
                    values = branch.Expression(node, context).ToList();
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or InvalidCastException)
                {
                    // One parameter the SDK cannot evaluate on this instance must not block storing it.
                    logger.LogWarning(e, "Search parameter {Resource}.{Param} could not be evaluated", resource.TypeName, parameter.Name);
                    continue;
                }
                foreach (var value in values)
                    if (value.Poco is { } poco)
                        Add(index, parameter, branch, poco, node, context);
            }
        }
        return index;
    }

    private static void Add(ResourceIndex index, SearchParameterInfo p, ParameterBranch branch, Base value, PocoNode root, FhirEvaluationContext context)
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
                foreach (var r in IndexValueReader.References(value, p.Name, branch.TargetType))
                    index.References.Add(r);
                if (value is ResourceReference { Identifier: { } id })
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
                foreach (var c in CompositeReader.Read(p, value, context))
                    index.Composites.Add(c);
                break;
        }
    }

    private static string Truncate(string s) => s.Length <= 512 ? s : s[..512];
}
