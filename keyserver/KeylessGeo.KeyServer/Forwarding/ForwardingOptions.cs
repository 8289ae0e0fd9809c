namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Forwarding to keyservers of other regions (section <see cref="SectionName"/>): the remote path
/// of DESIGN.md, with a long connect timeout, a short per-attempt timeout, a bounded number of
/// attempts with backoff and jitter, and a circuit breaker per upstream. See
/// docs/CLUSTER-FORWARDING.md for how each setting is used.
/// </summary>
public sealed record ForwardingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Cluster:Forwarding";

    /// <summary>
    /// Forward requests for keys permitted only in other regions. Off: such requests are
    /// answered <c>POLICY_DENIED</c> naming the permitted regions.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// How long a connection (TCP and TLS handshake) to a remote keyserver may take. Long on
    /// purpose: a connection attempt outlives the attempt that started it, so a slow
    /// cross-region handshake still completes for the requests that follow.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt may wait for its answer (never past the request's deadline).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The most attempts one request makes, the first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The backoff before the first retry; doubled per retry up to <see cref="BackoffMax"/>, with jitter.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest backoff between two attempts.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The share of failed attempts to one upstream, within <see cref="BreakerSamplingDuration"/>, that opens its circuit.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>How many attempts to one upstream the breaker needs in its sampling window before it may open.</summary>
    public int BreakerMinimumThroughput { get; init; } = 5;

    /// <summary>The window over which the breaker counts an upstream's failures.</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open circuit skips its upstream before one trial attempt may go through.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Region names, nearest first: candidates of a listed region are tried before those of a
    /// region listed later; regions not listed come after, alphabetically.
    /// </summary>
    public IReadOnlyList<string> RegionPreference { get; init; } = [];

    /// <summary>How often the view of other keyservers is re-read from the control-plane store (in the background).</summary>
    public TimeSpan DirectoryRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>PEM file of the client certificate presented to remote keyservers (needs the clientAuth usage).</summary>
    public string ClientCertificatePath { get; init; } = "";

    /// <summary>PEM file of the client certificate's private key.</summary>
    public string ClientKeyPath { get; init; } = "";

    /// <summary>PEM file of the CA(s) remote keyservers' server certificates must chain to.</summary>
    public string TrustedCaPath { get; init; } = "";
}
