using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Telehealth.Fhir.Model;

/// <summary>FHIR JSON in and out. Parsing is strict: an unknown element or a wrong type is refused, naming it.</summary>
public static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    public static readonly JsonSerializerOptions Strict =
        new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).UsingMode(DeserializationMode.Strict);

    public static readonly JsonSerializerOptions Output = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static readonly JsonSerializerOptions Lenient =
        new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).UsingMode(DeserializationMode.Recoverable);

    /// <summary>Media types whose body is read as FHIR JSON (application/json+fhir is what older clients send).</summary>
    private static readonly HashSet<string> JsonMediaTypes = new(StringComparer.OrdinalIgnoreCase) { MediaType, "application/json", "application/json+fhir" };

    public static Resource Parse(string json)
    {
        // The SDK answers a bare array or string with messages about its own parser (or, for an array, a crash).
        if (!json.AsSpan().TrimStart().StartsWith("{"))
            throw FhirException.BadRequest("The body is not a FHIR resource: send one JSON object with a resourceType, e.g. {\"resourceType\":\"Patient\", ...}.");
        try
        {
            return JsonSerializer.Deserialize<Resource>(json, Strict)
                   ?? throw FhirException.BadRequest("The body is empty; send a FHIR resource in JSON.");
        }
        catch (DeserializationFailedException e)
        {
            // The first problem is in the message; the rest follow as issues of their own.
            var problems = e.Exceptions.Select(x => x.Message).ToList();
            throw FhirException.BadRequest($"The resource is not valid FHIR R4 JSON: {problems.FirstOrDefault()}", problems.Skip(1).ToList());
        }
        catch (JsonException e)
        {
            throw FhirException.BadRequest($"The body is not well-formed JSON: {e.Message}");
        }
    }

    public static async Task<Resource> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (!string.IsNullOrEmpty(mediaType) && !JsonMediaTypes.Contains(mediaType))
            throw new FhirException(415, OperationOutcome.IssueType.NotSupported,
                $"This server reads FHIR resources as {MediaType} (or application/json), not '{mediaType}'.");
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(body)) throw FhirException.BadRequest("The body is empty; send a FHIR resource in JSON.");
        return Parse(body);
    }

    /// <summary>Stored JSON was written by this service, so reading it back need not re-validate.</summary>
    public static Resource ParseStored(string json) => JsonSerializer.Deserialize<Resource>(json, Lenient)!;

    public static string Serialize(Base resource) => JsonSerializer.Serialize(resource, resource.GetType(), Output);

    public static string Serialize(Base resource, SerializationFilter filter)
    {
        var options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector, new FhirJsonConverterOptions { SummaryFilterFactory = () => filter });
        return JsonSerializer.Serialize(resource, resource.GetType(), options);
    }
}
