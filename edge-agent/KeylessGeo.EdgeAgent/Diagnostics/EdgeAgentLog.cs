using Microsoft.Extensions.Logging;

namespace KeylessGeo.EdgeAgent.Diagnostics;

/// <summary>The agent's log events (ids 800–819).</summary>
internal static partial class EdgeAgentLog
{
    [LoggerMessage(800, LogLevel.Information, "Edge agent {Id} in {Datacenter}: Keyless on {Keyless}, gRPC on {Grpc}; node-local keyserver {Local}, {Static} configured keyservers, discovery {Discovery}.")]
    public static partial void Started(ILogger logger, string id, string datacenter, string keyless, string grpc, string local, int @static, string discovery);

    [LoggerMessage(801, LogLevel.Information, "Keyserver {Id} at {Address} joined the agent's upstreams (weight {Weight}).")]
    public static partial void UpstreamAdded(ILogger logger, string id, string address, double weight);

    [LoggerMessage(802, LogLevel.Information, "Keyserver {Id} at {Address} left the agent's upstreams.")]
    public static partial void UpstreamRemoved(ILogger logger, string id, string address);

    [LoggerMessage(803, LogLevel.Information, "Discovery: {Count} keyservers listed by {Source} (list {Version}).")]
    public static partial void DiscoveryList(ILogger logger, int count, string source, ulong version);

    [LoggerMessage(804, LogLevel.Warning, "Discovery from {Source} failed: {Reason}. Trying again in {Delay}.")]
    public static partial void DiscoveryFailed(ILogger logger, string source, string reason, TimeSpan delay);

    [LoggerMessage(805, LogLevel.Warning, "Keyserver {Id}: circuit breaker open for {Duration} after transport failures.")]
    public static partial void BreakerOpened(ILogger logger, string id, TimeSpan duration);

    [LoggerMessage(806, LogLevel.Information, "Keyserver {Id}: circuit breaker closed.")]
    public static partial void BreakerClosed(ILogger logger, string id);

    [LoggerMessage(807, LogLevel.Information, "Unix socket {Path} set to mode {Mode}.")]
    public static partial void SocketMode(ILogger logger, string path, string mode);

    [LoggerMessage(808, LogLevel.Warning, "The stream to keyserver {Id} ended: {Reason}; {Failed} requests waiting on it failed (retried elsewhere where their path allows).")]
    public static partial void StreamEnded(ILogger logger, string id, string reason, int failed);
}
