using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Every log message of the Keyless listener, with stable event ids. Messages carry connection
/// ids, addresses, counts and error kinds, never payloads, signatures or key material.
/// </summary>
internal static partial class KeylessLog
{
    [LoggerMessage(101, LogLevel.Information, "Keyless protocol listener on {EndPoint} (mutual TLS, TLS 1.2/1.3)", EventName = "KeylessListening")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(102, LogLevel.Debug, "Keyless connection {ConnectionId} from {RemoteEndPoint} opened ({TlsProtocol}, {CipherSuite}, client {ClientSubject})", EventName = "KeylessConnectionOpened")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId, string? remoteEndPoint, string tlsProtocol, string cipherSuite, string? clientSubject);

    [LoggerMessage(103, LogLevel.Debug, "Keyless connection {ConnectionId} closed ({Reason}) after {Requests} requests", EventName = "KeylessConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, KeylessCloseReason reason, long requests);

    [LoggerMessage(104, LogLevel.Warning, "Keyless connection {ConnectionId} from {RemoteEndPoint}: {Framing} in message {RequestId} (version {MajorVersion}, body length {BodyLength}); answered {WireError} and closed after {Requests} requests", EventName = "KeylessFramingError")]
    public static partial void FramingError(ILogger logger, string connectionId, string? remoteEndPoint, string framing, uint requestId, byte majorVersion, int bodyLength, string wireError, long requests);

    [LoggerMessage(105, LogLevel.Debug, "Keyless connection {ConnectionId} ended by a transport failure ({ExceptionType}: {Reason})", EventName = "KeylessTransportFailed")]
    public static partial void TransportFailed(ILogger logger, string connectionId, string exceptionType, string reason);

    [LoggerMessage(106, LogLevel.Error, "Keyless connection {ConnectionId} failed unexpectedly", EventName = "KeylessConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(107, LogLevel.Debug, "Keyless connection {ConnectionId} from {RemoteEndPoint} closed: nothing received or read for {IdleTimeout} after {Requests} requests", EventName = "KeylessIdleTimeout")]
    public static partial void IdleTimeout(ILogger logger, string connectionId, string? remoteEndPoint, TimeSpan idleTimeout, long requests);

    [LoggerMessage(108, LogLevel.Warning, "Keyless connection {ConnectionId} from {RemoteEndPoint} (client {ClientSubject}) closed: a message was not complete after {PartialMessageTimeout} ({PartialBytes} bytes of it received; {Suppressed} similar closes not logged since the last message)", EventName = "KeylessPartialMessageTimeout")]
    public static partial void PartialMessageTimeout(ILogger logger, string connectionId, string? remoteEndPoint, string? clientSubject, TimeSpan partialMessageTimeout, long partialBytes, long suppressed);

    [LoggerMessage(109, LogLevel.Warning, "Keyless connection {ConnectionId} from {RemoteEndPoint} (client {ClientSubject}) closed: it held {Bytes} bytes of unread responses, more than its share of {Share} bytes of the spent response budget ({Budget} bytes), for {GracePeriod} ({Suppressed} similar closes not logged since the last message)", EventName = "KeylessResponseBudgetExceeded")]
    public static partial void ResponseBudgetExceeded(ILogger logger, string connectionId, string? remoteEndPoint, string? clientSubject, long bytes, long share, long budget, TimeSpan gracePeriod, long suppressed);
}
