using Telehealth.Fhir.Indexing;
using Telehealth.Fhir.Model;
using Telehealth.Fhir.Storage;

namespace Telehealth.Fhir.Interactions;

public static class WriteEndpoints
{
    public static void MapWrites(this RouteGroupBuilder fhir)
    {
        fhir.MapPost("/{type}", async (string type, HttpRequest request, RecordDatabase db, ResourceOperations ops,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            var resource = await FhirJson.ReadBodyAsync(request, ct);
            ResourceOperations.CheckBody(resource, type, null);
            var ifNoneExist = request.Headers["If-None-Exist"].FirstOrDefault();
            return await WriteAsync(request, db, (session, ct) => ops.CreateAsync(session, resource, ifNoneExist, ct), ct);
        });

        fhir.MapPut("/{type}/{id}", async (string type, string id, HttpRequest request, RecordDatabase db, ResourceOperations ops,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            var resource = await FhirJson.ReadBodyAsync(request, ct);
            var ifMatch = request.Headers.IfMatch.FirstOrDefault();
            return await WriteAsync(request, db, (session, ct) => ops.UpdateAsync(session, type, id, resource, ifMatch, ct), ct);
        });

        fhir.MapPut("/{type}", async (string type, HttpRequest request, RecordDatabase db, ResourceOperations ops,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            if (request.QueryString.Value is not { Length: > 1 } criteria)
                throw FhirException.BadRequest($"PUT /{type} needs search criteria (a conditional update) or an id in the URL.");
            var resource = await FhirJson.ReadBodyAsync(request, ct);
            ResourceOperations.CheckBody(resource, type, null);
            return await WriteAsync(request, db, (session, ct) => ops.ConditionalUpdateAsync(session, type, criteria, resource, ct), ct);
        });

        fhir.MapDelete("/{type}/{id}", async (string type, string id, RecordDatabase db, ResourceOperations ops,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            await using var session = await db.BeginAsync(ct);
            var deleted = await ops.DeleteAsync(session, type, id, ct);
            await session.CommitAsync(ct);
            // Deleting what does not exist, or is already deleted, succeeds: the end state is the same.
            return deleted is null ? Results.NoContent() : WithETag(deleted);
        });

        fhir.MapDelete("/{type}", async (string type, HttpRequest request, RecordDatabase db, ResourceOperations ops,
            SearchParameterRegistry registry, CancellationToken ct) =>
        {
            ReadEndpoints.KnownType(registry, type);
            if (request.QueryString.Value is not { Length: > 1 } criteria)
                throw FhirException.BadRequest($"DELETE /{type} needs search criteria (a conditional delete) or an id in the URL.");
            var multiple = request.Query.ContainsKey("_multiple");
            var kept = string.Join('&', request.Query.Where(q => q.Key != "_multiple").SelectMany(q => q.Value.Select(v => $"{q.Key}={Uri.EscapeDataString(v ?? "")}")));
            await using var session = await db.BeginAsync(ct);
            var count = await ops.ConditionalDeleteAsync(session, type, kept, multiple, ct);
            await session.CommitAsync(ct);
            return FhirResults.Information(count == 0 ? "Nothing matched; nothing was deleted." : $"Deleted {count} {type} resource(s).");
        });
    }

    /// <summary>Runs one write in its own transaction and answers 201 with a Location when it created, else 200.</summary>
    private static async Task<IResult> WriteAsync(HttpRequest request, RecordDatabase db,
        Func<RecordSession, CancellationToken, Task<WriteResult>> write, CancellationToken ct)
    {
        await using var session = await db.BeginAsync(ct);
        var result = await write(session, ct);
        await session.CommitAsync(ct);
        return FhirResults.Resource(result.Resource, result.Created ? 201 : 200,
            result.Created ? FhirResults.LocationOf(request, result.Resource) : null, Prefer(request));
    }

    public static string? Prefer(HttpRequest request)
    {
        var prefer = request.Headers["Prefer"].ToString();
        var returnPart = prefer.Split(';', ',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("return=", StringComparison.Ordinal));
        return returnPart?["return=".Length..];
    }

    private static IResult WithETag(StoredResource deleted) => new ETagNoContent(deleted.ETag);

    private sealed class ETagNoContent(string etag) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = 204;
            context.Response.Headers.ETag = etag;
            return Task.CompletedTask;
        }
    }
}
