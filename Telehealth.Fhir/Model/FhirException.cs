using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Model;

/// <summary>A failure a client can act on: it becomes an OperationOutcome with this HTTP status.</summary>
public sealed class FhirException(int status, OperationOutcome.IssueType code, string message, IReadOnlyList<string>? details = null,
    string? expression = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public OperationOutcome.IssueType Code { get; } = code;
    public IReadOnlyList<string> Details { get; } = details ?? [];

    /// <summary>Where the problem is, as FHIRPath (e.g. <c>Bundle.entry[2]</c>), so a client can point at it.</summary>
    public string? Expression { get; } = expression;

    /// <summary>The same failure, told as part of something larger (a bundle entry within its bundle).</summary>
    public FhirException Within(string message, string expression) => new(Status, Code, message, Details, expression);

    public static FhirException BadRequest(string message, IReadOnlyList<string>? details = null) =>
        new(400, OperationOutcome.IssueType.Invalid, message, details);

    public static FhirException NotFound(string message) => new(404, OperationOutcome.IssueType.NotFound, message);

    public static FhirException Gone(string message) => new(410, OperationOutcome.IssueType.Deleted, message);

    public static FhirException PreconditionFailed(string message) => new(412, OperationOutcome.IssueType.Conflict, message);

    public static FhirException Conflict(string message) => new(409, OperationOutcome.IssueType.Conflict, message);

    public static FhirException Unprocessable(string message, IReadOnlyList<string>? details = null) =>
        new(422, OperationOutcome.IssueType.Processing, message, details);

    public OperationOutcome ToOutcome()
    {
        var outcome = new OperationOutcome();
        var issue = new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = Code,
            Diagnostics = Message,
        };
        if (Expression is not null) issue.Expression = [Expression];
        outcome.Issue.Add(issue);
        foreach (var detail in Details)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = Code,
                Diagnostics = detail,
            });
        return outcome;
    }
}
