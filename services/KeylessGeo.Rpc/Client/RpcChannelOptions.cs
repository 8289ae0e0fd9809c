using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Rpc.Framing;

namespace KeylessGeo.Rpc.Client;

/// <summary>How a <see cref="RpcChannel"/> connects.</summary>
public sealed class RpcChannelOptions
{
    /// <summary>The server address: <c>https://host:port</c>, or <c>http://</c> (h2c) on loopback with <see cref="AllowInsecure"/>.</summary>
    public required Uri Address { get; init; }

    /// <summary>The client certificate (with private key) presented for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The CA certificates the server certificate must chain to; null uses the system trust store.</summary>
    public X509Certificate2Collection? TrustedCa { get; init; }

    /// <summary>The largest response message accepted, in bytes.</summary>
    public int MaxReceiveMessageSize { get; init; } = GrpcFrame.DefaultMaxMessageSize;

    /// <summary>The largest request message sent, in bytes.</summary>
    public int MaxSendMessageSize { get; init; } = GrpcFrame.DefaultMaxMessageSize;

    /// <summary>Allows <c>http://</c> (HTTP/2 prior knowledge) to a loopback host.</summary>
    public bool AllowInsecure { get; init; }

    /// <summary>How long to wait for a TCP connection and TLS handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a pooled connection lives before new calls use a fresh one (re-resolves DNS, rebalances).</summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The idle time after which an HTTP/2 PING checks the connection.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the PING acknowledgement before closing the connection.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many messages a streaming call may queue before writers wait.</summary>
    public int RequestQueueCapacity { get; init; } = 1024;
}
