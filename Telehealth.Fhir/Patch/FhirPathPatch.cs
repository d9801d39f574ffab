using System.Collections;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Patch;

/// <summary>
/// FHIRPath Patch (FHIR R4 §2.39): a Parameters resource of <c>operation</c> parts, each of type add, insert,
/// delete, replace or move, located by a FHIRPath expression.
/// </summary>
public static class FhirPathPatch
{
    private static readonly FhirPathCompiler Compiler = new();

    public static Resource Apply(Resource resource, Parameters patch)
    {
        var operations = patch.Parameter.Where(p => p.Name == "operation").ToList();
        if (operations.Count == 0) throw FhirException.BadRequest("The FHIRPath Patch has no 'operation' parameter.");
        for (var i = 0; i < operations.Count; i++) ApplyOne(resource, operations[i], i);
        // The caller re-parses the result strictly, so a patch cannot leave an element of the wrong type behind.
        return resource;
    }

    private static void ApplyOne(Resource resource, Parameters.ParameterComponent operation, int i)
    {
        string Part(string name) => (operation.Part.FirstOrDefault(p => p.Name == name)?.Value as PrimitiveType)?.JsonValue?.ToString()
                                    ?? throw FhirException.BadRequest($"Patch operation {i} has no '{name}' part.");
        DataType Value() => operation.Part.FirstOrDefault(p => p.Name == "value")?.Value
                            ?? throw FhirException.BadRequest($"Patch operation {i} has no 'value' part.");
        int Index(string name) => int.TryParse(Part(name), out var n) && n >= 0
            ? n : throw FhirException.BadRequest($"Patch operation {i}: '{name}' must be a whole number.");

        var type = Part("type");
        var path = Part("path");
        var nodes = Select(resource, path, i);
        switch (type)
        {
            case "add":
                var target = Single(nodes, path, i);
                var name = Part("name");
                var mapping = Mapping(target.Poco, name, i);
                var value = Convert(Value(), mapping.ImplementingType, i);
                if (mapping.IsCollection) ListOf(target.Poco, name, i).Add(value);
                else target.Poco.SetValue(name, value);
                break;
            case "insert":
                var (owner, listName) = Container(resource, nodes, path, i);
                var list = ListOf(owner, listName, i);
                var at = Index("index");
                if (at > list.Count) throw FhirException.Unprocessable($"Patch operation {i}: index {at} is past the end of '{path}'.");
                list.Insert(at, Convert(Value(), Mapping(owner, listName, i).ImplementingType, i));
                break;
            case "delete":
                if (nodes.Count == 0) break; // Deleting what is not there leaves the resource as it is.
                Remove(Single(nodes, path, i), i);
                break;
            case "replace":
                var replaced = Single(nodes, path, i);
                var (_, parent, index, element) = replaced;
                var propertyMapping = Mapping(parent!.Poco, element!, i);
                var replacement = Convert(Value(), propertyMapping.ImplementingType, i);
                if (index is { } n && propertyMapping.IsCollection) ListOf(parent.Poco, element!, i)[n] = replacement;
                else parent.Poco.SetValue(element!, replacement);
                break;
            case "move":
                var (moveOwner, moveName) = Container(resource, nodes, path, i);
                var moveList = ListOf(moveOwner, moveName, i);
                var (source, destination) = (Index("source"), Index("destination"));
                if (source >= moveList.Count || destination >= moveList.Count)
                    throw FhirException.Unprocessable($"Patch operation {i}: source or destination is past the end of '{path}'.");
                var item = moveList[source];
                moveList.RemoveAt(source);
                moveList.Insert(destination, item);
                break;
            default:
                throw FhirException.BadRequest($"Patch operation {i}: type '{type}' is not add, insert, delete, replace or move.");
        }
    }

    private static List<PocoNode> Select(Resource resource, string path, int i)
    {
        CompiledExpression compiled;
        try
        {
            compiled = Compiler.Compile(path);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // The SDK reports a syntax error as FormatException and an unknown function as ArgumentException.
            throw FhirException.BadRequest($"Patch operation {i}: '{path}' is not a FHIRPath expression this server knows: {e.Message}");
        }
        try
        {
            var root = resource.ToPocoNode(ModelInfo.ModelInspector);
            return compiled(root, new FhirEvaluationContext { Resource = root, RootResource = root }).ToList();
        }
        catch (InvalidOperationException e)
        {
            throw FhirException.Unprocessable($"Patch operation {i}: '{path}' could not be evaluated on the resource: {e.Message}");
        }
    }

    private static PocoNode Single(List<PocoNode> nodes, string path, int i) => nodes.Count switch
    {
        1 => nodes[0],
        0 => throw FhirException.Unprocessable($"Patch operation {i}: '{path}' matches nothing."),
        _ => throw FhirException.Unprocessable($"Patch operation {i}: '{path}' matches {nodes.Count} elements; it must match one."),
    };

    private static (Base Owner, string Name) Container(Resource resource, List<PocoNode> nodes, string path, int i)
    {
        if (nodes.Count > 0)
        {
            var (_, parent, _, name) = nodes[0];
            return (parent?.Poco ?? throw FhirException.Unprocessable($"Patch operation {i}: '{path}' is not a list."), name!);
        }
        // A list the resource does not have yet selects nothing; its owner is the path without the last step
        // (the owner of "Patient.address" is "Patient"), so inserting at 0 starts the list.
        var dot = path.LastIndexOf('.');
        var last = dot < 0 ? "" : path[(dot + 1)..];
        if (last.Length == 0 || !last.All(char.IsAsciiLetterOrDigit))
            throw FhirException.Unprocessable($"Patch operation {i}: '{path}' matches nothing.");
        var owner = Single(Select(resource, path[..dot], i), path[..dot], i);
        return (owner.Poco, last);
    }

    private static void Remove(PocoNode node, int i)
    {
        var (_, parent, index, name) = node;
        if (parent is null) throw FhirException.Unprocessable($"Patch operation {i}: the resource itself cannot be deleted by a patch.");
        if (index is { } n && Mapping(parent.Poco, name!, i).IsCollection) ListOf(parent.Poco, name!, i).RemoveAt(n);
        else parent.Poco.SetValue(name!, null);
    }

    private static Hl7.Fhir.Introspection.PropertyMapping Mapping(Base owner, string name, int i) =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(owner.GetType())?.FindMappedElementByName(name)
        ?? throw FhirException.Unprocessable($"Patch operation {i}: {owner.TypeName} has no element '{name}'.");

    /// <summary>The SDK's list getters create an empty list on first use, so adding to an absent list works.</summary>
    private static IList ListOf(Base owner, string name, int i) =>
        Mapping(owner, name, i).NativeProperty?.GetValue(owner) as IList
        ?? throw FhirException.Unprocessable($"Patch operation {i}: '{name}' of {owner.TypeName} is not a list.");

    /// <summary>valueCode into a Code&lt;T&gt;, valueString into a Markdown: same primitive value, the element's own type.</summary>
    private static Base Convert(DataType value, Type target, int i)
    {
        if (target.IsInstanceOfType(value)) return value;
        if (value is PrimitiveType primitive && typeof(PrimitiveType).IsAssignableFrom(target) && Activator.CreateInstance(target) is PrimitiveType converted)
        {
            converted.JsonValue = primitive.JsonValue;
            return converted;
        }
        throw FhirException.Unprocessable($"Patch operation {i}: a {value.TypeName} value does not fit an element of type {target.Name}.");
    }
}
