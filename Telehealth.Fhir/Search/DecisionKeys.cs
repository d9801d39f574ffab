using Telehealth.Fhir.Indexing;

namespace Telehealth.Fhir.Search;

/// <summary>
/// Names what a conditional write decides on, so that writers deciding on overlapping criteria queue behind each
/// other (see <see cref="Storage.RecordSession.LockAsync(IEnumerable{string}, CancellationToken)"/>).
/// </summary>
/// <remarks>
/// One key per criterion, from the parsed criterion rather than its text: "identifier=a%7C1&amp;name=An" and
/// "name=an&amp;identifier=a|1" share their keys, and "identifier=a|1" shares one with both, so two requests that
/// could match the same new resource through any one common criterion never both decide that none exists. Keys are
/// coarser than matching (strings folded, alternatives sorted): a coarser key only makes more writers wait.
/// </remarks>
public static class DecisionKeys
{
    public static IReadOnlyList<string> For(string type, IEnumerable<Criterion> criteria) =>
        [.. criteria.Select(c => $"{type}?{Of(c)}").Distinct().Order(StringComparer.Ordinal)];

    private static string Of(Criterion criterion) => criterion switch
    {
        ParameterCriterion c => $"{c.Parameter.Name}:{c.Modifier}={Alternatives(c.Values.Select(Of))}",
        MissingCriterion m => $"{m.Parameter.Name}:missing={m.Missing}",
        ChainCriterion c => $"{c.Reference.Name}:{c.TargetType}.{Of(c.Inner)}",
        AnyCriterion a => $"any({Alternatives(a.Alternatives.Select(Of))})",
        HasCriterion h => $"_has:{h.SourceType}:{h.SourceReference.Name}:{Of(h.Inner)}",
        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion.GetType().Name, "A criterion kind without a decision key."),
    };

    private static string Of(SearchValue value) => value switch
    {
        StringValue s => VietnameseText.Fold(s.Text),
        // The code alone: "|001", "001" and "a|001" may all match one resource.
        TokenValue t => t.Code ?? $"{t.System}|",
        CompositeValue c => string.Join('$', c.Parts.Select(Of)),
        // The remaining values are records of scalars: their printed form names every field.
        _ => value.ToString(),
    };

    private static string Alternatives(IEnumerable<string> values) => string.Join(',', values.Order(StringComparer.Ordinal));
}
