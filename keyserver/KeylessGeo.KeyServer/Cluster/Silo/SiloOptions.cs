namespace KeylessGeo.KeyServer.Cluster.Silo;

/// <summary>
/// The Orleans silo a cluster keyserver hosts (section <c>Cluster:Silo</c>). Keyservers of one
/// region form one Orleans cluster; silos talk to each other over mutual TLS. See docs/CLUSTER.md.
/// </summary>
public sealed record SiloOptions
{
    /// <summary>Host a silo (the default in cluster mode). Off: the keyserver serves only what its own datacenter may hold.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// This keyserver's region. Empty: read from the control-plane store's topology at start
    /// (the region of <c>KeyServer:Datacenter</c>). When both are known they must agree.
    /// </summary>
    public string Region { get; init; } = "";

    /// <summary>The Orleans cluster id; empty means <c>keylessgeo-{region}</c>, one cluster per region.</summary>
    public string ClusterId { get; init; } = "";

    /// <summary>The address peers reach this silo at, and the one it listens on.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The silo-to-silo port.</summary>
    public int Port { get; init; } = 11111;

    /// <summary>
    /// This silo's certificate (PEM): presented to peers both as server and as client, so it must
    /// carry both the server and client authentication usages. Empty means <c>Listen:CertificatePath</c>.
    /// </summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>The certificate's private key (PKCS#8 PEM, mode 0600). Empty means <c>Listen:KeyPath</c>.</summary>
    public string KeyPath { get; init; } = "";

    /// <summary>The cluster's CA (PEM bundle): a peer's certificate must chain to it. Empty means <c>Listen:ClientCaPath</c>.</summary>
    public string CaPath { get; init; } = "";

    /// <summary>A key grain with no request for this long is deactivated and its opened key dropped.</summary>
    public TimeSpan KeyIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a silo waits for a peer's answer to a liveness probe.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Missed probes after which a silo votes a peer dead.</summary>
    public int MissedProbesLimit { get; init; } = 2;

    /// <summary>How long a silo that stops waits for its grains to deactivate and its peers to learn it is leaving.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
