using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Transport.Channels;

/// <summary>How a gRPC channel to one of our servers connects; see <see cref="GrpcChannelFactory"/>.</summary>
public sealed record ChannelSettings
{
    /// <summary>The default largest message, in bytes, in either direction (4 MiB, gRPC's usual limit).</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// The server: <c>https://host:port</c> (mutual TLS), <c>http://127.0.0.1:port</c> (plaintext HTTP/2 on
    /// loopback, with <see cref="AllowInsecure"/>), or <c>unix:/path/to/socket</c> (plaintext HTTP/2 over a
    /// Unix domain socket, whose file permissions decide who may connect).
    /// </summary>
    public required string Address { get; init; }

    /// <summary>The client certificate (with private key) presented for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The CA certificates the server certificate must chain to; null uses the system trust store.</summary>
    public X509Certificate2Collection? TrustedCa { get; init; }

    /// <summary>Allows <c>http://</c> (HTTP/2 with prior knowledge) to a loopback address.</summary>
    public bool AllowInsecure { get; init; }

    /// <summary>The largest response message accepted, in bytes.</summary>
    public int MaxReceiveMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>The largest request message sent, in bytes.</summary>
    public int MaxSendMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>How long to wait for the TCP (or Unix socket) connection and the TLS handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a pooled connection lives before new calls use a fresh one (re-resolves DNS, rebalances).</summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The idle time after which an HTTP/2 PING checks a connection with calls in flight.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the PING acknowledgement before closing the connection.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
