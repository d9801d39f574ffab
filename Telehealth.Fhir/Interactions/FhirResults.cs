using System.Text;
using Hl7.Fhir.Model;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

/// <summary>Writes FHIR JSON responses with the headers the REST spec asks for (ETag, Last-Modified, Location).</summary>
public static class FhirResults
{
    public static IResult Resource(StoredResource stored, int status = 200, string? location = null, string? prefer = null) =>
        new StoredResult(stored, status, location, prefer);

    public static IResult Json(string json, int status = 200) => Results.Text(json, FhirJson.MediaType, Encoding.UTF8, status);

    public static IResult Outcome(OperationOutcome outcome, int status) => Json(FhirJson.Serialize(outcome), status);

    public static IResult Information(string message, int status = 200)
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Information,
            Code = OperationOutcome.IssueType.Informational,
            Diagnostics = message,
        });
        return Outcome(outcome, status);
    }

    public static string LocationOf(HttpRequest request, StoredResource stored) =>
        $"{BaseUrl(request)}/{stored.Type}/{stored.Id}/_history/{stored.Version}";

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    private sealed class StoredResult(StoredResource stored, int status, string? location, string? prefer) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = status;
            response.Headers.ETag = stored.ETag;
            response.Headers.LastModified = stored.LastUpdated.ToString("R");
            if (location is not null) response.Headers.Location = location;
            // Prefer: return=minimal sends no body; anything else (return=OperationOutcome is not implemented) the resource.
            if (prefer == "minimal" || stored.Json is null) return;
            response.ContentType = FhirJson.MediaType + "; charset=utf-8";
            await response.WriteAsync(stored.Json, Encoding.UTF8, context.RequestAborted);
        }
    }
}
