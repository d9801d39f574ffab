using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Indexing;

/// <summary>
/// Composite parameters pair a token with a second value (token, quantity, number, date or string), as
/// Observation's code-value-quantity does. Each combination found under one element becomes one row.
/// </summary>
internal static class CompositeReader
{
    public static IEnumerable<CompositeIndex> Read(SearchParameterInfo p, Base element, FhirEvaluationContext context, LocalBases bases)
    {
        if (p.Components.Count < 2) yield break;
        var node = element.ToPocoNode(ModelInfo.ModelInspector);
        var first = Values(p.Components[0], node, context, bases).Where(v => v.Code is not null || v.System is not null).ToList();
        var second = Values(p.Components[1], node, context, bases).ToList();
        foreach (var a in first)
            foreach (var b in second)
                yield return new CompositeIndex(p.Name, a.System, a.Code, b.System, b.Code, b.Low, b.High, b.Text);
    }

    private sealed record Part(string? System, string? Code, double? Low, double? High, string? Text);

    private static IEnumerable<Part> Values(CompositeComponent component, PocoNode node, FhirEvaluationContext context, LocalBases bases)
    {
        foreach (var v in component.Expression(node, context))
        {
            if (v.Poco is not { } value) continue;
            switch (component.Type)
            {
                case SearchParamType.Token:
                    foreach (var (s, c, _) in IndexValueReader.Tokens(value)) yield return new Part(s, c, null, null, null);
                    break;
                case SearchParamType.Quantity:
                    foreach (var q in IndexValueReader.Quantities(value, ""))
                        yield return new Part(q.System, q.Code, Clamp(q.Low), Clamp(q.High), null);
                    break;
                case SearchParamType.Number:
                    if (IndexValueReader.Number(value) is { } n) yield return new Part(null, null, (double)n, (double)n, null);
                    break;
                case SearchParamType.Date:
                    if (IndexValueReader.Date(value) is { } d) yield return new Part(null, null, d.Low, d.High, null);
                    break;
                case SearchParamType.String:
                    foreach (var s in IndexValueReader.Strings(value)) yield return new Part(null, null, null, null, VietnameseText.Fold(s));
                    break;
                case SearchParamType.Reference:
                    foreach (var r in IndexValueReader.References(value, "", null, bases))
                        yield return new Part(r.TargetType, r.TargetId ?? r.Url, null, null, null);
                    break;
            }
        }
    }

    private static double Clamp(decimal d) => d == decimal.MinValue ? double.MinValue : d == decimal.MaxValue ? double.MaxValue : (double)d;
}
