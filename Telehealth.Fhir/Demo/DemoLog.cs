namespace Telehealth.Fhir.Demo;

/// <summary>Structured log messages of the demo data loader.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning,
        Message = "Demo data not loaded: the server reports no listening address; set Demo:ServerAddress")]
    public static partial void NoServerAddress(ILogger logger);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information,
        Message = "Checking whether demo network {Marker} is loaded at {FhirBase}")]
    public static partial void Checking(ILogger logger, string marker, string fhirBase);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information,
        Message = "Record service at {Url} not ready (attempt {Attempt}: {Reason}); polling until {Deadline:O}")]
    public static partial void WaitingForServer(ILogger logger, string url, int attempt, string reason, DateTimeOffset deadline);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Information,
        Message = "Demo network {Marker} is already loaded ({Matches} marker organization(s) found); nothing to do")]
    public static partial void AlreadyLoaded(ILogger logger, string marker, int matches);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information,
        Message = "Loaded demo network {Marker}: {Created} of {Entries} entries created ({CreatedByType})")]
    public static partial void Loaded(ILogger logger, string marker, int created, int entries, string createdByType);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Error,
        Message = "Demo data {Step} failed with HTTP {Status}: {Outcome}")]
    public static partial void RequestFailed(ILogger logger, string step, int status, string outcome);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Error,
        Message = "Demo data {Step} was refused with HTTP {Status}: give the HttpClient {ClientName} a handler that adds the service's own token")]
    public static partial void Refused(ILogger logger, string step, int status, string clientName);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Error,
        Message = "Demo data not loaded: the record service at {FhirBase} could not be reached")]
    public static partial void Unreachable(ILogger logger, Exception exception, string fhirBase);

    [LoggerMessage(EventId = 7108, Level = LogLevel.Error,
        Message = "Demo data not loaded: no reply from {FhirBase} within {Timeout}")]
    public static partial void TimedOut(ILogger logger, Exception exception, string fhirBase, TimeSpan timeout);
}
