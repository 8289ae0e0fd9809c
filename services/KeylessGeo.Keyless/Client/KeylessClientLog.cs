using Microsoft.Extensions.Logging;

namespace KeylessGeo.Keyless.Client;

/// <summary>Log messages of the Keyless client (never request payloads or results).</summary>
internal static partial class KeylessClientLog
{
    [LoggerMessage(EventId = 1, EventName = "ConnectionOpened", Level = LogLevel.Debug, Message = "Keyless connection {Connection} to {Endpoint} is open.")]
    public static partial void ConnectionOpened(ILogger logger, int connection, string endpoint);

    [LoggerMessage(EventId = 2, EventName = "ConnectFailed", Level = LogLevel.Warning, Message = "Keyless connection {Connection} to {Endpoint} could not be established: {Reason}; {Failed} request(s) failed, next attempt in {RetryDelayMs} ms.")]
    public static partial void ConnectFailed(ILogger logger, int connection, string endpoint, string reason, int failed, long retryDelayMs);

    [LoggerMessage(EventId = 3, EventName = "ConnectionClosed", Level = LogLevel.Information, Message = "Keyless connection {Connection} to {Endpoint} closed: {Reason}; {Failed} pending request(s) failed.")]
    public static partial void ConnectionClosed(ILogger logger, int connection, string endpoint, string reason, int failed);

    [LoggerMessage(EventId = 4, EventName = "UnknownResponseId", Level = LogLevel.Debug, Message = "Keyless connection {Connection} to {Endpoint} received a response for id {Id}, which no request is waiting for (late or unknown); discarded.")]
    public static partial void UnknownResponseId(ILogger logger, int connection, string endpoint, uint id);

    [LoggerMessage(EventId = 5, EventName = "MalformedResponse", Level = LogLevel.Warning, Message = "Keyless connection {Connection} to {Endpoint} received a malformed response for id {Id}: {Reason}.")]
    public static partial void MalformedResponse(ILogger logger, int connection, string endpoint, uint id, string reason);
}
