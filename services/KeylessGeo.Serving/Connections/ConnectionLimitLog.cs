using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Connections;

/// <summary>
/// Every log message of the connection limits, with stable event ids. Refusals are logged
/// through a <see cref="LogThrottle"/>: at most one per endpoint per interval, with the count of
/// those held back.
/// </summary>
internal static partial class ConnectionLimitLog
{
    [LoggerMessage(301, LogLevel.Information, "Connections may use {Budget} file descriptors: open-file limit {SoftLimit} (hard {HardLimit}), {Open} open at start-up, {Reserve} kept in reserve for the runtime and outbound connections", EventName = "DescriptorBudgetSized")]
    public static partial void DescriptorBudgetSized(ILogger logger, int budget, ulong softLimit, ulong hardLimit, int open, long reserve);

    [LoggerMessage(302, LogLevel.Information, "Raised the open-file soft limit from {Before} to the hard limit {After}", EventName = "OpenFileLimitRaised")]
    public static partial void OpenFileLimitRaised(ILogger logger, ulong before, ulong after);

    [LoggerMessage(303, LogLevel.Warning, "The open-file limit {SoftLimit} leaves only {Budget} descriptors for connections ({Open} open at start-up, {Reserve} wanted in reserve); raise it (LimitNOFILE=, ulimit -n) to serve more clients", EventName = "DescriptorBudgetLow")]
    public static partial void DescriptorBudgetLow(ILogger logger, int budget, ulong softLimit, int open, long reserve);

    [LoggerMessage(304, LogLevel.Warning, "The open-file limit cannot be read or is unlimited: connections are not limited by file descriptors", EventName = "OpenFileLimitUnknown")]
    public static partial void OpenFileLimitUnknown(ILogger logger);

    [LoggerMessage(305, LogLevel.Warning, "Refused a connection to {Endpoint} from {RemoteEndPoint}: {Open} connections hold the process's descriptor budget of {Budget}; raise the open-file limit to serve more ({Suppressed} more refusals since the last message)", EventName = "ConnectionRefusedDescriptors")]
    public static partial void RefusedDescriptors(ILogger logger, string endpoint, string? remoteEndPoint, int open, int budget, long suppressed);

    [LoggerMessage(306, LogLevel.Warning, "Refused a connection to {Endpoint} from {RemoteEndPoint} (client {Client}): the endpoint serves its maximum of {Max} connections ({Suppressed} more refusals since the last message)", EventName = "ConnectionRefusedEndpoint")]
    public static partial void RefusedEndpoint(ILogger logger, string endpoint, string? remoteEndPoint, string? client, int max, long suppressed);

    [LoggerMessage(307, LogLevel.Warning, "Refused a connection to {Endpoint} from {RemoteEndPoint}: client {Client} holds its maximum of {Max} connections ({Suppressed} more refusals since the last message)", EventName = "ConnectionRefusedClient")]
    public static partial void RefusedClient(ILogger logger, string endpoint, string? remoteEndPoint, string? client, int max, long suppressed);
}
