using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>The control plane's log messages (never key material).</summary>
internal static partial class ControlPlaneLog
{
    [LoggerMessage(EventId = 1, EventName = "ChangeCommitted", Level = LogLevel.Information,
        Message = "{Action} {Subject} by {Actor} committed at revision {Revision}")]
    public static partial void Committed(ILogger logger, string action, string subject, string actor, long revision);

    [LoggerMessage(EventId = 2, EventName = "CommitConflictRetried", Level = LogLevel.Debug,
        Message = "{Operation}: the store moved from revision {Expected} to {Actual}; planning again (attempt {Attempt})")]
    public static partial void Retrying(ILogger logger, string operation, long expected, long actual, int attempt);

    [LoggerMessage(EventId = 3, EventName = "OperationRefused", Level = LogLevel.Information,
        Message = "{Method} {Path} refused: {Status} {Code}: {Detail}")]
    public static partial void Refused(ILogger logger, string method, string path, int status, string code, string detail);

    [LoggerMessage(EventId = 4, EventName = "UnexpectedFailure", Level = LogLevel.Error,
        Message = "{Method} {Path} failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 5, EventName = "WrappingKeyLoaded", Level = LogLevel.Information,
        Message = "control-plane wrapping key {Fingerprint} {How} at {Path}")]
    public static partial void WrappingKeyLoaded(ILogger logger, string fingerprint, string how, string path);
}
