using Microsoft.Extensions.Logging;

namespace KeylessGeo.EdgeHost.Diagnostics;

/// <summary>The edge host's log events (ids 900–919).</summary>
internal static partial class EdgeHostLog
{
    [LoggerMessage(900, LogLevel.Information, "Edge host {Id}: TLS on {Address} (TLS {MinimumVersion} and later), {Keyless} keyless and {Local} local-key certificates; at most {MaxHandshakes} handshakes at once, minimum worker threads {MinThreads}.")]
    public static partial void Started(ILogger logger, string id, string address, string minimumVersion, int keyless, int local, int maxHandshakes, int minThreads);

    [LoggerMessage(901, LogLevel.Information, "Certificate {Subject}: key {Where}.")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string where);

    [LoggerMessage(902, LogLevel.Debug, "Handshake refused ({Reason}): {InProgress} handshakes in progress, {Queued} waiting.")]
    public static partial void HandshakeRefused(ILogger logger, string reason, int inProgress, int queued);
}
