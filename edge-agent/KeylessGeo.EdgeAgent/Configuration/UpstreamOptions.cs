namespace KeylessGeo.EdgeAgent.Configuration;

/// <summary>
/// The keyservers the agent sends to (configuration section <c>Upstreams</c>): the node-local one,
/// the datacenter's others (discovered from the cluster, or listed here as a fallback), the mutual
/// TLS the agent presents, and the rules of each path.
/// </summary>
public sealed record UpstreamOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Upstreams";

    /// <summary>
    /// The keyserver on this node, as a gRPC address (<c>https://127.0.0.1:7443</c>,
    /// <c>http://127.0.0.1:7080</c> on loopback, <c>unix:/run/keylessgeo/keyserver.sock</c>); empty
    /// when the node has none.
    /// </summary>
    public string LocalKeyserver { get; init; } = "";

    /// <summary>The datacenter's other keyservers when discovery is off or has not answered yet.</summary>
    public IReadOnlyList<StaticUpstreamOptions> Keyservers { get; init; } = [];

    /// <summary>Whether to follow the cluster's list of keyservers (<c>WatchKeyservers</c>), default true.</summary>
    public bool Discover { get; init; } = true;

    /// <summary>How long to wait before re-opening a discovery stream that failed.</summary>
    public TimeSpan DiscoveryRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The agent's client certificate (PEM) for keyservers that require mutual TLS.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>The client certificate's private key (PEM).</summary>
    public string KeyPath { get; init; } = "";

    /// <summary>The CA bundle (PEM) keyservers' certificates must chain to.</summary>
    public string CaPath { get; init; } = "";

    /// <summary>HTTP/2 connections per keyserver, each carrying one <c>SignStream</c> (default 2).</summary>
    public int ConnectionsPerUpstream { get; init; } = 2;

    /// <summary>
    /// Requests in flight to one keyserver at most (default 512). At the bound the keyserver counts
    /// as saturated: the node-local path gives way to the datacenter's others, and when every
    /// keyserver is at its bound the agent answers <c>OVERLOADED</c> at once instead of queueing.
    /// </summary>
    public int MaxInFlightPerUpstream { get; init; } = 512;

    /// <summary>The node-local path: a very short connect timeout, a longer request timeout, no retry.</summary>
    public PathOptions Local { get; init; } = PathOptions.LocalDefaults();

    /// <summary>The path to the datacenter's other keyservers: a long connect timeout, a short request timeout, retries elsewhere.</summary>
    public PathOptions Datacenter { get; init; } = PathOptions.DatacenterDefaults();

    /// <summary>The circuit breaker kept for each keyserver.</summary>
    public BreakerOptions Breaker { get; init; } = new();
}
