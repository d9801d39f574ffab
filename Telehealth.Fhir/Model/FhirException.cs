using Hl7.Fhir.Model;

namespace Telehealth.Fhir.Model;

/// <summary>A failure a client can act on: it becomes an OperationOutcome with this HTTP status.</summary>
public sealed class FhirException(int status, OperationOutcome.IssueType code, string message, IReadOnlyList<string>? details = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public OperationOutcome.IssueType Code { get; } = code;
    public IReadOnlyList<string> Details { get; } = details ?? [];

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
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = Code,
            Diagnostics = Message,
        });
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
