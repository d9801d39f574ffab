using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Telehealth.Fhir.Interactions;
using Telehealth.Fhir.Model;

namespace Telehealth.Fhir.Hosting;

/// <summary>
/// Every failure under /fhir answers with an OperationOutcome: known ones with their status, an oversized body
/// with 413 before it is read, and anything unexpected with 500 and a reference to the log.
/// </summary>
public sealed class OperationOutcomeMiddleware(RequestDelegate next, IOptions<RecordServiceOptions> options, ILogger<OperationOutcomeMiddleware> logger)
{
    public async System.Threading.Tasks.Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await WriteAsync(context, new FhirException(413, OperationOutcome.IssueType.TooLong,
                $"The body is {context.Request.ContentLength} bytes; this server accepts at most {limit} bytes."));
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;
        try
        {
            await next(context);
            // Routing answers an unknown path (404) or method (405) with no body: say what was asked, as FHIR.
            if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405)
                await FhirResults.Outcome(Unrouted(context).ToOutcome(), context.Response.StatusCode).ExecuteAsync(context);
        }
        catch (FhirException e)
        {
            await WriteAsync(context, e);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteAsync(context, new FhirException(413, OperationOutcome.IssueType.TooLong,
                $"The body is larger than the {limit} bytes this server accepts."));
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, FhirException.BadRequest(e.Message));
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure)
        {
            // Two transactions each waiting for a row the other holds (say, two bundles updating the same two
            // resources in opposite orders): PostgreSQL ends one, and everything it wrote is rolled back.
            logger.LogWarning("{Method} {Path} was stopped by PostgreSQL ({State}: {Message})", context.Request.Method, context.Request.Path, e.SqlState, e.MessageText);
            await WriteAsync(context, FhirException.Conflict(
                "This request and another one were each waiting for records the other was changing; the database stopped this one and stored nothing of it. Send it again."));
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            logger.LogError(e, "Unhandled error on {Method} {Path} (trace {TraceId})", context.Request.Method, context.Request.Path, context.TraceIdentifier);
            await WriteAsync(context, new FhirException(500, OperationOutcome.IssueType.Exception,
                $"The server failed to process the request; quote trace id {context.TraceIdentifier} when reporting it."));
        }
    }

    private static FhirException Unrouted(HttpContext context)
    {
        var request = $"{context.Request.Method} {context.Request.Path}";
        return context.Response.StatusCode == 405
            ? new FhirException(405, OperationOutcome.IssueType.NotSupported, $"{request}: {context.Request.Method} is not allowed here (allowed: {context.Response.Headers.Allow}).")
            : FhirException.NotFound($"{request}: there is no such interaction in this FHIR API.");
    }

    private static async System.Threading.Tasks.Task WriteAsync(HttpContext context, FhirException e)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        await FhirResults.Outcome(e.ToOutcome(), e.Status).ExecuteAsync(context);
    }
}
