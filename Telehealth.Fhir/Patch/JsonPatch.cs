using System.Text.Json;
using System.Text.Json.Nodes;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Patch;

/// <summary>RFC 6902 JSON Patch applied to a resource's JSON: add, remove, replace, move, copy and test.</summary>
public static class JsonPatch
{
    public static string Apply(string documentJson, string patchJson)
    {
        JsonArray operations;
        try
        {
            operations = JsonNode.Parse(patchJson) as JsonArray
                         ?? throw FhirException.BadRequest("A JSON Patch body is an array of operations.");
        }
        catch (JsonException e)
        {
            throw FhirException.BadRequest($"The JSON Patch body is not well-formed JSON: {e.Message}");
        }
        var document = JsonNode.Parse(documentJson)!;
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
                throw FhirException.BadRequest($"JSON Patch operation {i} is not an object.");
            var name = Text(op, "op", i);
            var path = Text(op, "path", i);
            switch (name)
            {
                case "add": Add(document, path, Value(op, i), i); break;
                case "remove": Remove(document, path, i); break;
                case "replace": Remove(document, path, i); Add(document, path, Value(op, i), i); break;
                case "move":
                    var from = Text(op, "from", i);
                    var moved = Get(document, from, i).DeepClone();
                    Remove(document, from, i);
                    Add(document, path, moved, i);
                    break;
                case "copy": Add(document, path, Get(document, Text(op, "from", i), i).DeepClone(), i); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path, i), Value(op, i)))
                        throw FhirException.Unprocessable($"JSON Patch operation {i}: test at '{path}' failed: the value differs.");
                    break;
                default: throw FhirException.BadRequest($"JSON Patch operation {i}: '{name}' is not add, remove, replace, move, copy or test.");
            }
        }
        return document.ToJsonString();
    }

    private static JsonNode? Value(JsonObject op, int i) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw FhirException.BadRequest($"JSON Patch operation {i} has no 'value'.");

    /// <summary>A member that must be a JSON string: a number or an array there is the client's mistake, not ours.</summary>
    private static string Text(JsonObject op, string member, int i) =>
        op[member] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw FhirException.BadRequest(op.ContainsKey(member)
                ? $"JSON Patch operation {i}: '{member}' must be a string."
                : $"JSON Patch operation {i} has no '{member}'.");

    private static string[] Tokens(string pointer, int i)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw FhirException.BadRequest($"JSON Patch operation {i}: '{pointer}' is not a JSON Pointer (it must start with '/').");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode Get(JsonNode document, string pointer, int i)
    {
        var node = document;
        foreach (var token in Tokens(pointer, i))
            node = Child(node, token) ?? throw FhirException.Unprocessable($"JSON Patch operation {i}: '{pointer}' does not exist.");
        return node;
    }

    private static JsonNode? Child(JsonNode node, string token) => node switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, out var index) && index >= 0 && index < a.Count => a[index],
        _ => null,
    };

    private static void Add(JsonNode document, string pointer, JsonNode? value, int i)
    {
        var tokens = Tokens(pointer, i);
        if (tokens.Length == 0) throw FhirException.Unprocessable($"JSON Patch operation {i}: a patch cannot replace the whole resource; use PUT.");
        var parent = Parent(document, tokens, pointer, i);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var index) && index >= 0 && index <= a.Count: a.Insert(index, value); break;
            default: throw FhirException.Unprocessable($"JSON Patch operation {i}: cannot add at '{pointer}' (no such array position or parent).");
        }
    }

    private static void Remove(JsonNode document, string pointer, int i)
    {
        var tokens = Tokens(pointer, i);
        if (tokens.Length == 0) throw FhirException.Unprocessable($"JSON Patch operation {i}: a patch cannot remove the whole resource; use DELETE.");
        var parent = Parent(document, tokens, pointer, i);
        var last = tokens[^1];
        var removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, out var index) && index >= 0 && index < a.Count => RemoveAt(a, index),
            _ => false,
        };
        if (!removed) throw FhirException.Unprocessable($"JSON Patch operation {i}: '{pointer}' does not exist.");
    }

    private static bool RemoveAt(JsonArray a, int index)
    {
        a.RemoveAt(index);
        return true;
    }

    /// <summary>The node holding the pointer's last token; a missing one is reported as the whole pointer the client sent.</summary>
    private static JsonNode Parent(JsonNode document, string[] tokens, string pointer, int i)
    {
        var node = document;
        foreach (var token in tokens[..^1])
            node = Child(node, token) ?? throw FhirException.Unprocessable($"JSON Patch operation {i}: '{pointer}' does not exist.");
        return node;
    }
}
