using System.Text.Json;
using Hl7.Fhir.Serialization;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>
/// Writes searchset and history bundles straight from stored JSON, without parsing each resource again;
/// only <c>_summary</c> and <c>_elements</c> need a parse to trim what is sent.
/// </summary>
public sealed class BundleJsonWriter : IDisposable
{
    private readonly MemoryStream buffer = new();
    private readonly Utf8JsonWriter writer;
    private bool entriesOpen;

    public BundleJsonWriter(string type, DateTimeOffset now, long? total, IEnumerable<(string Relation, string Url)> links,
        Func<SerializationFilter>? filter = null)
    {
        // Vietnamese text and "+hh:mm" offsets are written as they are, not as \u escapes.
        writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        this.filterFactory = filter;
        writer.WriteStartObject();
        writer.WriteString("resourceType", "Bundle");
        writer.WriteString("id", Guid.NewGuid().ToString());
        writer.WriteStartObject("meta");
        writer.WriteString("lastUpdated", now.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
        writer.WriteEndObject();
        writer.WriteString("type", type);
        if (total is not null) writer.WriteNumber("total", total.Value);
        // FHIR JSON has no empty arrays: a bundle without links (a batch-response) leaves "link" out.
        var linksOpen = false;
        foreach (var (relation, url) in links)
        {
            if (!linksOpen) writer.WriteStartArray("link");
            linksOpen = true;
            writer.WriteStartObject();
            writer.WriteString("relation", relation);
            writer.WriteString("url", url);
            writer.WriteEndObject();
        }
        if (linksOpen) writer.WriteEndArray();
    }

    private readonly Func<SerializationFilter>? filterFactory;

    public void SearchEntry(string baseUrl, StoredResource resource, string mode)
    {
        StartEntry();
        writer.WriteString("fullUrl", $"{baseUrl}/{resource.Type}/{resource.Id}");
        WriteResource(resource.Json);
        writer.WriteStartObject("search");
        writer.WriteString("mode", mode);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public void HistoryEntry(string baseUrl, HistoryEntry entry)
    {
        var r = entry.Resource;
        StartEntry();
        writer.WriteString("fullUrl", $"{baseUrl}/{r.Type}/{r.Id}");
        if (r.Json is not null) WriteResource(r.Json);
        writer.WriteStartObject("request");
        writer.WriteString("method", entry.Method);
        writer.WriteString("url", entry.Method == "POST" ? r.Type : $"{r.Type}/{r.Id}");
        writer.WriteEndObject();
        writer.WriteStartObject("response");
        writer.WriteString("status", entry.Method switch { "POST" => "201 Created", "DELETE" => "204 No Content", _ => "200 OK" });
        writer.WriteString("etag", r.ETag);
        writer.WriteString("lastModified", r.LastUpdated.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>An entry of a batch-response or transaction-response.</summary>
    public void ResponseEntry(string status, string? fullUrl, StoredResource? resource, string? location, string? outcomeJson, bool includeResource)
    {
        StartEntry();
        if (fullUrl is not null) writer.WriteString("fullUrl", fullUrl);
        if (includeResource && resource?.Json is not null) WriteResource(resource.Json);
        writer.WriteStartObject("response");
        writer.WriteString("status", status);
        if (location is not null) writer.WriteString("location", location);
        if (resource is not null)
        {
            writer.WriteString("etag", resource.ETag);
            writer.WriteString("lastModified", resource.LastUpdated.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
        }
        if (outcomeJson is not null)
        {
            writer.WritePropertyName("outcome");
            writer.WriteRawValue(outcomeJson, skipInputValidation: true);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>An entry whose resource is already JSON (a searchset answering a GET inside a batch).</summary>
    public void ResponseEntryWithJson(string status, string json)
    {
        StartEntry();
        writer.WritePropertyName("resource");
        writer.WriteRawValue(json, skipInputValidation: true);
        writer.WriteStartObject("response");
        writer.WriteString("status", status);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public string Finish()
    {
        if (entriesOpen) writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public void Dispose()
    {
        writer.Dispose();
        buffer.Dispose();
    }

    private void StartEntry()
    {
        if (!entriesOpen)
        {
            writer.WriteStartArray("entry");
            entriesOpen = true;
        }
        writer.WriteStartObject();
    }

    private void WriteResource(string? json)
    {
        if (json is null) return;
        writer.WritePropertyName("resource");
        if (filterFactory is null)
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }
        var resource = FhirJson.ParseStored(json);
        // Tell the reader this copy is trimmed, as the spec asks for _summary and _elements.
        resource.Meta ??= new Hl7.Fhir.Model.Meta();
        resource.Meta.Tag.Add(new Hl7.Fhir.Model.Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "SUBSETTED"));
        writer.WriteRawValue(FhirJson.Serialize(resource, filterFactory()), skipInputValidation: true);
    }
}
