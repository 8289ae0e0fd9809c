using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// Every log message of keyserver discovery (<c>WatchKeyservers</c>), with stable event ids
/// (780–789). Streams opening and closing are Debug: every edge agent holds one.
/// </summary>
internal static partial class DiscoveryLog
{
    [LoggerMessage(780, LogLevel.Debug, "Keyserver watch opened for datacenter {Datacenter} ({Open} open)", EventName = "WatchStarted")]
    public static partial void WatchStarted(ILogger logger, string datacenter, int open);

    [LoggerMessage(781, LogLevel.Debug, "Keyserver watch for datacenter {Datacenter} ended after {Lists} lists ({Open} open)", EventName = "WatchEnded")]
    public static partial void WatchEnded(ILogger logger, string datacenter, ulong lists, int open);

    [LoggerMessage(782, LogLevel.Information, "Keyserver watches ended: this keyserver is stopping; {Count} open streams got a last list", EventName = "WatchesStopped")]
    public static partial void WatchesStopped(ILogger logger, int count);

    [LoggerMessage(783, LogLevel.Error, "Reading the known keyservers failed; the streams keep the last list", EventName = "DiscoveryReadFailed")]
    public static partial void ReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(784, LogLevel.Warning, "Watching for keyserver changes failed; lists are still rebuilt every {RefreshInterval}", EventName = "DiscoveryWatchFailed")]
    public static partial void WatchFailed(ILogger logger, TimeSpan refreshInterval, Exception exception);
}
