using Hl7.Fhir.Model;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>One entry of a batch or transaction, its request line taken apart.</summary>
public sealed class BundleEntryRequest
{
    public required int Index { get; init; }
    public string? FullUrl { get; init; }
    public required string Method { get; init; }
    public required string Url { get; init; }
    public required string Type { get; init; }
    public string? Id { get; init; }
    public string? VersionId { get; init; }
    /// <summary>The query part, for searches and conditional update or delete.</summary>
    public string? Query { get; init; }
    public Resource? Resource { get; init; }
    public string? IfNoneExist { get; init; }
    public string? IfMatch { get; init; }

    /// <summary>
    /// The criteria a conditional create (ifNoneExist) or conditional update (PUT Type?query) decides on; null for
    /// every other entry.
    /// </summary>
    public string? DecidingCriteria => Method switch
    {
        "POST" when IfNoneExist is { Length: > 0 } => IfNoneExist,
        "PUT" when Id is null && Query is { Length: > 0 } => Query,
        _ => null,
    };

    /// <summary>The id this entry's resource gets (POST, conditional PUT), decided before any entry runs.</summary>
    public string? AssignedId { get; set; }

    /// <summary>A conditional create found this existing resource, so nothing is created.</summary>
    public long? ExistingKey { get; set; }

    public static BundleEntryRequest From(int index, Bundle.EntryComponent entry)
    {
        var request = entry.Request ?? throw FhirException.BadRequest("The entry has no request (method and url).");
        var method = request.Method?.ToString().ToUpperInvariant()
                     ?? throw FhirException.BadRequest("The entry has no request.method.");
        var url = request.Url ?? throw FhirException.BadRequest("The entry has no request.url.");
        var queryStart = url.IndexOf('?');
        var path = (queryStart < 0 ? url : url[..queryStart]).Trim('/');
        var query = queryStart < 0 ? null : url[(queryStart + 1)..];
        var segments = path.Split('/');
        var type = segments[0];
        if (!ModelInfo.IsKnownResource(type))
            throw FhirException.NotFound($"'{type}' in request.url '{url}' is not a FHIR R4 resource type.");
        if (!IsSupportedPath(segments))
            throw FhirException.BadRequest($"request.url '{url}' is not supported in a bundle entry; use Type, Type/id, Type/id/_history/version or Type?criteria.");
        string? id = segments.Length >= 2 ? segments[1] : null;
        string? version = segments.Length == 4 ? segments[3] : null;
        if (method == "POST" && id is not null)
            throw FhirException.BadRequest($"POST {url}: a create names only the type; the server assigns the id (use PUT to choose it).");
        if (method is "PUT" or "DELETE" or "PATCH" && id is null && (method == "PATCH" || string.IsNullOrEmpty(query)))
            throw FhirException.BadRequest($"{method} {url} needs an id{(method == "PATCH" ? "" : " or search criteria")}.");
        if (method is "POST" or "PUT" && entry.Resource is null)
            throw FhirException.BadRequest($"{method} {url} has no resource.");
        if (entry.Resource is { } r && method is "POST" or "PUT" && r.TypeName != type)
            throw FhirException.BadRequest($"The resource is a {r.TypeName}, but request.url '{url}' names {type}.");
        return new BundleEntryRequest
        {
            Index = index, FullUrl = entry.FullUrl, Method = method, Url = url, Type = type, Id = id, VersionId = version,
            Query = query, Resource = entry.Resource, IfNoneExist = request.IfNoneExist, IfMatch = request.IfMatch,
        };
    }

    /// <summary>Type, Type/id and Type/id/_history/version: anything else (history, operations) would be misread as a read.</summary>
    private static bool IsSupportedPath(string[] segments) => segments.Length switch
    {
        1 => true,
        2 => IsId(segments[1]),
        4 => IsId(segments[1]) && segments[2] == "_history",
        _ => false,
    };

    private static bool IsId(string segment) => segment.Length > 0 && segment[0] is not ('_' or '$');
}

/// <summary>What one entry produced, for the response bundle.</summary>
public sealed record BundleEntryResult(string Status, StoredResource? Resource, string? Location, string? OutcomeJson, string? Json)
{
    public static BundleEntryResult Failed(FhirException e) =>
        new($"{e.Status} {ReasonPhrase(e.Status)}", null, null, FhirJson.Serialize(e.ToOutcome()), null);

    public static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
