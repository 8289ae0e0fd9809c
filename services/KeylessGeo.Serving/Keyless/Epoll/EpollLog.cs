using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>The epoll transport's own log messages (the connection logs are <see cref="KeylessLog"/>'s, as on Kestrel).</summary>
internal static partial class EpollLog
{
    [LoggerMessage(121, LogLevel.Information, "Keyless epoll transport: {Loops} event loops with libssl serve {EndPoint}", EventName = "KeylessEpollListening")]
    public static partial void Listening(ILogger logger, string endPoint, int loops);

    [LoggerMessage(122, LogLevel.Debug, "Keyless connection {ConnectionId} from {RemoteEndPoint}: TLS handshake refused ({Reason})", EventName = "KeylessEpollHandshakeFailed")]
    public static partial void HandshakeFailed(ILogger logger, string connectionId, string? remoteEndPoint, string reason);

    [LoggerMessage(123, LogLevel.Warning, "Keyless epoll listener cannot accept connections: {Reason}; it retries in {RetryMilliseconds} ms ({Suppressed} similar messages not logged since the last one)", EventName = "KeylessEpollAcceptFailed")]
    public static partial void AcceptFailed(ILogger logger, string reason, int retryMilliseconds, long suppressed);

    [LoggerMessage(126, LogLevel.Error, "Keyless epoll listener failed to accept a connection", EventName = "KeylessEpollAcceptorFailed")]
    public static partial void AcceptorFailed(ILogger logger, Exception exception);

    [LoggerMessage(124, LogLevel.Information, "Keyless epoll listener stopping: {Connections} connections asked to finish what they read", EventName = "KeylessEpollDraining")]
    public static partial void Draining(ILogger logger, int connections);

    [LoggerMessage(125, LogLevel.Warning, "Keyless epoll listener: {Connections} connections still open when the host's stop timeout ran out; closed at once", EventName = "KeylessEpollDrainTimedOut")]
    public static partial void DrainTimedOut(ILogger logger, int connections);
}
