using System.Text.Json;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Telehealth.Fhir.Indexing;

namespace Telehealth.Fhir.Tests.Indexing;

/// <summary>
/// The indexer walks plain paths instead of evaluating FHIRPath; over every official R4 example and every parameter,
/// both must find the very same elements in the same order.
/// </summary>
public sealed class ElementPathTests
{
    private static readonly SearchParameterRegistry Registry = new();

    [Fact]
    public void Plain_paths_find_the_same_elements_as_FHIRPath_on_every_R4_example()
    {
        var folder = Environment.GetEnvironmentVariable("FHIR_R4_EXAMPLES_DIR")
                     ?? throw new InvalidOperationException("FHIR_R4_EXAMPLES_DIR is not set: run the tests through ./test.sh.");
        var options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).UsingMode(DeserializationMode.Recoverable);
        var compared = 0;
        var differences = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*-*.json"))
        {
            Resource resource;
            try { resource = JsonSerializer.Deserialize<Resource>(File.ReadAllText(file), options)!; }
            catch (DeserializationFailedException) { continue; }
            var node = resource.ToPocoNode(ModelInfo.ModelInspector);
            var context = new FhirEvaluationContext { Resource = node, RootResource = node };
            foreach (var parameter in Registry.For(resource.TypeName))
            foreach (var branch in parameter.Branches.Where(b => b.Path is not null))
            {
                var walked = branch.Path!.Select(resource).ToList();
                var evaluated = branch.Expression(node, context).Select(n => n.Poco).ToList();
                compared++;
                if (walked.Count != evaluated.Count || walked.Zip(evaluated).Any(p => !ReferenceEquals(p.First, p.Second)))
                    differences.Add($"{Path.GetFileName(file)} {parameter.Name} '{branch.Source}': walked {walked.Count}, FHIRPath {evaluated.Count}");
            }
        }
        Assert.True(compared > 50_000, $"Only {compared} comparisons were made; is the example set complete?");
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(30)));
    }

    [Theory]
    [InlineData("Patient.name", true)]
    [InlineData("(Observation.value as Quantity)", true)]
    [InlineData("Condition.onset.as(Period)", true)]
    [InlineData("Patient.telecom.where(system='email')", false)]
    [InlineData("Bundle.entry[0].resource", false)]
    public void Only_plain_element_paths_are_walked(string expression, bool plain) =>
        Assert.Equal(plain, ElementPath.TryParse(expression) is not null);
}
