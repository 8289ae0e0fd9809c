using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Every log message of forwarding between regions, with stable event ids (600–699). Messages
/// name request ids, keyservers, datacenters, regions and endpoints, never payloads or key material.
/// Per-request messages are Debug: a region that is down would otherwise flood the log; the
/// circuit breaker's transitions and the metrics say so once.
/// </summary>
internal static partial class ForwardingLog
{
    [LoggerMessage(600, LogLevel.Debug, "Request {RequestId} forwarded: {KeyserverId} ({Datacenter}) answered {Outcome} after {Attempts} attempts", EventName = "RequestForwarded")]
    public static partial void RequestForwarded(ILogger logger, ulong requestId, string keyserverId, string datacenter, string outcome, int attempts);

    [LoggerMessage(601, LogLevel.Debug, "Request {RequestId} could not be forwarded ({ErrorCode}): {Reason}", EventName = "ForwardFailed")]
    public static partial void ForwardFailed(ILogger logger, ulong requestId, string errorCode, string reason);

    [LoggerMessage(602, LogLevel.Debug, "Attempt {Attempt} of request {RequestId} to {KeyserverId} at {Endpoint} failed ({Failure}): {Detail}", EventName = "AttemptFailed")]
    public static partial void AttemptFailed(ILogger logger, int attempt, ulong requestId, string keyserverId, string endpoint, AttemptFailure failure, string detail);

    [LoggerMessage(603, LogLevel.Warning, "Circuit to remote keyserver {Endpoint} opened for {BreakDuration}: too many failed attempts; requests go to other permitted keyservers meanwhile", EventName = "CircuitOpened")]
    public static partial void CircuitOpened(ILogger logger, string endpoint, TimeSpan breakDuration);

    [LoggerMessage(604, LogLevel.Information, "Circuit to remote keyserver {Endpoint} half-open: the next attempt tests it", EventName = "CircuitHalfOpened")]
    public static partial void CircuitHalfOpened(ILogger logger, string endpoint);

    [LoggerMessage(605, LogLevel.Information, "Circuit to remote keyserver {Endpoint} closed: it answers again", EventName = "CircuitClosed")]
    public static partial void CircuitClosed(ILogger logger, string endpoint);

    [LoggerMessage(606, LogLevel.Debug, "Remote keyserver directory: {Keyservers} keyservers in {Regions} regions ({Skipped} live leases without a gRPC endpoint or a known datacenter)", EventName = "DirectoryRefreshed")]
    public static partial void DirectoryRefreshed(ILogger logger, int keyservers, int regions, int skipped);

    [LoggerMessage(607, LogLevel.Warning, "Cannot refresh the remote keyserver directory from the control-plane store ({StoreKind}); keeping the view read at {ViewReadAt} ({Failures} failures in a row)", EventName = "DirectoryRefreshFailed")]
    public static partial void DirectoryRefreshFailed(ILogger logger, string storeKind, DateTimeOffset? viewReadAt, int failures, Exception exception);

    [LoggerMessage(608, LogLevel.Information, "The remote keyserver directory refreshes again after {Failures} failures", EventName = "DirectoryRecovered")]
    public static partial void DirectoryRecovered(ILogger logger, int failures);

    [LoggerMessage(609, LogLevel.Debug, "Closed the channels of {Count} remote keyservers that left the directory", EventName = "UpstreamsRetired")]
    public static partial void UpstreamsRetired(ILogger logger, int count);

    [LoggerMessage(610, LogLevel.Error, "Unexpected failure forwarding request {RequestId}", EventName = "ForwardCrashed")]
    public static partial void ForwardCrashed(ILogger logger, ulong requestId, Exception exception);
}
