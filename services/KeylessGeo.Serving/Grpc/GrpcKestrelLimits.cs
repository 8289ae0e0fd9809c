using KeylessGeo.Serving.Connections;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using KestrelListenOptions = Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// The <c>Grpc</c> section's connection limits and HTTP/2 settings, applied to Kestrel: the
/// descriptor budget and the connection limits on every gRPC endpoint (through the hooks of
/// <see cref="GrpcListenOptions"/>, so the transport library stays free of keyserver code), and
/// the timeouts, stream limit and flow-control windows in Kestrel's HTTP limits.
/// </summary>
internal static class GrpcKestrelLimits
{
    /// <summary>The mutual-TLS endpoint's name in connection-limit metrics and logs.</summary>
    public const string TlsEndpointName = "grpc";

    /// <summary>The loopback h2c endpoint's name.</summary>
    public const string PlaintextEndpointName = "grpc-plaintext";

    /// <summary>The Unix socket endpoint's name.</summary>
    public const string UnixSocketEndpointName = "grpc-unix";

    /// <summary>
    /// Sets Kestrel's HTTP limits from <paramref name="options"/>. They are server-wide, but only
    /// Kestrel's HTTP connection middleware reads them: the Keyless endpoint's connection handler
    /// ends the pipeline before it, so its own timeouts stay the only ones that apply to it.
    /// </summary>
    public static void Apply(KestrelServerLimits limits, GrpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(options);

        // HTTP/2: no stream open (or no preface yet) for this long closes the connection with GOAWAY.
        limits.KeepAliveTimeout = options.IdleTimeout;

        // HTTP/2: a HEADERS frame without END_HEADERS must see its CONTINUATION frames within this.
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay;
        limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
        limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
        limits.Http2.InitialConnectionWindowSize = options.InitialConnectionWindowSize;
        limits.Http2.InitialStreamWindowSize = options.InitialStreamWindowSize;
    }

    /// <summary>
    /// The <see cref="GrpcListenOptions.BeforeTls"/> hook: every accepted socket counts against
    /// the process's descriptor budget, before any TLS work.
    /// </summary>
    public static void BeforeTls(KestrelListenOptions endpoint, GrpcEndpointKind kind) => endpoint.UseDescriptorBudget(EndpointName(kind));

    /// <summary>
    /// The <see cref="GrpcListenOptions.AfterTls"/> hook: after the handshake the client
    /// certificate is known and counts against <see cref="GrpcOptions.MaxConnectionsPerClient"/>;
    /// plaintext connections have no identity and count only towards the endpoint's maximum.
    /// </summary>
    public static Action<KestrelListenOptions, GrpcEndpointKind> AfterTls(GrpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (endpoint, kind) => endpoint.UseConnectionLimits(Limits(kind, options));
    }

    /// <summary>The name of an endpoint in metrics and logs.</summary>
    public static string EndpointName(GrpcEndpointKind kind) => kind switch
    {
        GrpcEndpointKind.MutualTls => TlsEndpointName,
        GrpcEndpointKind.Plaintext => PlaintextEndpointName,
        GrpcEndpointKind.UnixSocket => UnixSocketEndpointName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown gRPC endpoint kind."),
    };

    private static ConnectionLimits Limits(GrpcEndpointKind kind, GrpcOptions options) => new()
    {
        Endpoint = EndpointName(kind),
        MaxConnections = options.MaxConnections,
        MaxConnectionsPerClient = options.MaxConnectionsPerClient,
    };
}
