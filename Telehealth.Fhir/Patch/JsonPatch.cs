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
            var name = op["op"]?.GetValue<string>() ?? throw FhirException.BadRequest($"JSON Patch operation {i} has no 'op'.");
            var path = op["path"]?.GetValue<string>() ?? throw FhirException.BadRequest($"JSON Patch operation {i} has no 'path'.");
            switch (name)
            {
                case "add": Add(document, path, Value(op, i)); break;
                case "remove": Remove(document, path, i); break;
                case "replace": Remove(document, path, i); Add(document, path, Value(op, i)); break;
                case "move":
                    var from = From(op, i);
                    var moved = Get(document, from, i).DeepClone();
                    Remove(document, from, i);
                    Add(document, path, moved);
                    break;
                case "copy": Add(document, path, Get(document, From(op, i), i).DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path, i), op["value"]))
                        throw FhirException.Unprocessable($"JSON Patch test at '{path}' failed: the value differs.");
                    break;
                default: throw FhirException.BadRequest($"JSON Patch operation {i}: '{name}' is not add, remove, replace, move, copy or test.");
            }
        }
        return document.ToJsonString();
    }

    private static JsonNode? Value(JsonObject op, int i) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw FhirException.BadRequest($"JSON Patch operation {i} has no 'value'.");

    private static string From(JsonObject op, int i) =>
        op["from"]?.GetValue<string>() ?? throw FhirException.BadRequest($"JSON Patch operation {i} has no 'from'.");

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw FhirException.BadRequest($"'{pointer}' is not a JSON Pointer (it must start with '/').");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode Get(JsonNode document, string pointer, int i)
    {
        var node = document;
        foreach (var token in Tokens(pointer))
            node = Child(node, token) ?? throw FhirException.Unprocessable($"JSON Patch operation {i}: '{pointer}' does not exist.");
        return node;
    }

    private static JsonNode? Child(JsonNode node, string token) => node switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, out var index) && index >= 0 && index < a.Count => a[index],
        _ => null,
    };

    private static void Add(JsonNode document, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) throw FhirException.Unprocessable("JSON Patch cannot replace the whole resource; use PUT.");
        var parent = Get(document, Parent(tokens), 0);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var index) && index >= 0 && index <= a.Count: a.Insert(index, value); break;
            default: throw FhirException.Unprocessable($"JSON Patch: cannot add at '{pointer}'.");
        }
    }

    private static void Remove(JsonNode document, string pointer, int i)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) throw FhirException.Unprocessable("JSON Patch cannot remove the whole resource; use DELETE.");
        var parent = Get(document, Parent(tokens), i);
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

    private static string Parent(string[] tokens) =>
        tokens.Length == 1 ? "" : "/" + string.Join('/', tokens[..^1].Select(Escape));

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
