namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// The gRPC service's limits and options (configuration section <c>Grpc</c>): message sizes, the
/// <c>SignStream</c> response queue, and the connection limits and HTTP/2 settings of every gRPC
/// endpoint (mutual TLS, loopback h2c, Unix socket). Why each default is what it is: docs/RPC.md.
/// </summary>
public sealed record GrpcOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Grpc";

    /// <summary>The default <see cref="MaxReceiveMessageSize"/>: 16 KiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 16 * 1024;

    /// <summary>The default <see cref="MaxSendMessageSize"/>: 64 KiB.</summary>
    public const int DefaultMaxSendMessageSize = 64 * 1024;

    /// <summary>The default <see cref="ResponseQueueCapacity"/>.</summary>
    public const int DefaultResponseQueueCapacity = 1024;

    /// <summary>The default <see cref="MaxConnections"/>.</summary>
    public const int DefaultMaxConnections = 1024;

    /// <summary>The default <see cref="MaxConnectionsPerClient"/>.</summary>
    public const int DefaultMaxConnectionsPerClient = 64;

    /// <summary>The default <see cref="MaxStreamsPerConnection"/> (Kestrel's and gRPC's usual value).</summary>
    public const int DefaultMaxStreamsPerConnection = 100;

    /// <summary>The default <see cref="InitialConnectionWindowSize"/>: 128 KiB (Kestrel's is 1 MiB).</summary>
    public const int DefaultInitialConnectionWindowSize = 128 * 1024;

    /// <summary>The default <see cref="InitialStreamWindowSize"/>: 64 KiB (Kestrel's is 768 KiB).</summary>
    public const int DefaultInitialStreamWindowSize = 64 * 1024;

    /// <summary>The default <see cref="IdleTimeout"/>.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The default <see cref="KeepAlivePingDelay"/>.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromMinutes(3);

    /// <summary>The default <see cref="KeepAlivePingTimeout"/>.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The default <see cref="RequestHeadersTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The largest request message accepted, in bytes; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = DefaultMaxReceiveMessageSize;

    /// <summary>The largest response message sent, in bytes.</summary>
    public int MaxSendMessageSize { get; init; } = DefaultMaxSendMessageSize;

    /// <summary>How many responses one <c>SignStream</c> may queue for its writer before it stops reading requests.</summary>
    public int ResponseQueueCapacity { get; init; } = DefaultResponseQueueCapacity;

    /// <summary>Serve <c>grpc.reflection.v1</c> (service discovery for tools such as grpcurl). Off by default.</summary>
    public bool EnableReflection { get; init; }

    /// <summary>Send exception text to clients in status details. Off by default: it may reveal internals.</summary>
    public bool EnableDetailedErrors { get; init; }

    /// <summary>
    /// Connections each gRPC endpoint serves at once, counted separately per endpoint; one more is
    /// closed right after its TLS handshake (on the plaintext endpoints, right after accept).
    /// (Every accepted connection also counts against the process's file-descriptor budget.)
    /// </summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>
    /// Connections one client (the subject of its verified certificate) may hold at once on the
    /// mutual-TLS endpoint. The plaintext endpoints have no client identity and count only
    /// towards <see cref="MaxConnections"/>.
    /// </summary>
    public int MaxConnectionsPerClient { get; init; } = DefaultMaxConnectionsPerClient;

    /// <summary>
    /// A connection with no call open is closed (HTTP/2 GOAWAY) after this long, as is one that
    /// never sends its HTTP/2 preface. A call that stays open, such as a <c>SignStream</c> idle
    /// between handshakes, keeps its connection. Kestrel's <c>KeepAliveTimeout</c>.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary>
    /// After this long without a frame from the client the server sends an HTTP/2 PING, so a dead
    /// peer holding an open call is found (at least 1 second). Must be longer than <see cref="IdleTimeout"/>: a PING
    /// acknowledgement counts as activity and would otherwise keep an idle connection open forever.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = DefaultKeepAlivePingDelay;

    /// <summary>A connection that sends nothing for this long after a server PING is closed (at least 1 second).</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = DefaultKeepAlivePingTimeout;

    /// <summary>A request's HEADERS frame whose CONTINUATION frames have not all arrived after this long closes the connection.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = DefaultRequestHeadersTimeout;

    /// <summary>Calls (HTTP/2 streams) one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS).</summary>
    public int MaxStreamsPerConnection { get; init; } = DefaultMaxStreamsPerConnection;

    /// <summary>Request bytes a connection may send, across its calls, before the server has read them (HTTP/2 connection flow-control window).</summary>
    public int InitialConnectionWindowSize { get; init; } = DefaultInitialConnectionWindowSize;

    /// <summary>Request bytes one call may send before the server has read them (HTTP/2 stream flow-control window).</summary>
    public int InitialStreamWindowSize { get; init; } = DefaultInitialStreamWindowSize;
}
