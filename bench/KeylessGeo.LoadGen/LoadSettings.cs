using KeylessGeo.Contracts.V1;

namespace KeylessGeo.LoadGen;

/// <summary>One load run: where, what, how hard, how long.</summary>
public sealed record LoadSettings
{
    /// <summary>The keyserver's address (<c>https://localhost:7443</c>).</summary>
    public required Uri Address { get; init; }

    /// <summary>PEM files: the CA that issued the server certificate, the client certificate and key.</summary>
    public required string CaPath { get; init; }

    /// <summary>The client certificate presented for mutual TLS.</summary>
    public required string CertificatePath { get; init; }

    /// <summary>The client certificate's private key.</summary>
    public required string KeyPath { get; init; }

    /// <summary>The key to sign with (gRPC modes).</summary>
    public string KeyId { get; init; } = "";

    /// <summary>The operation (its payload is a digest of the right size, or a message for Ed25519).</summary>
    public Operation Operation { get; init; } = Operation.EcdsaSha256;

    /// <summary>
    /// <c>stream</c> (SignStream) or <c>unary</c> (Sign) over gRPC; <c>keyless</c> (closed loop)
    /// or <c>keyless-flood</c> (a writer bounded only by TCP backpressure and a reader per
    /// connection) over the Keyless protocol.
    /// </summary>
    public string Mode { get; init; } = "stream";

    /// <summary>Keyless modes: the PEM certificate or public key of the key to sign with (its SKI is sent).</summary>
    public string PublicKeyPath { get; init; } = "";

    /// <summary>Keyless modes: the one TLS version offered.</summary>
    public System.Security.Authentication.SslProtocols Tls { get; init; } = System.Security.Authentication.SslProtocols.Tls13;

    /// <summary>Keyless modes: pad requests to 1024 bytes as Keyless clients do.</summary>
    public bool Pad { get; init; } = true;

    /// <summary><c>keyless-rate</c>: requests per second in all, spread evenly over the connections.</summary>
    public double Rate { get; init; }

    /// <summary>
    /// Keyless modes: the address is <c>tcp://</c> or <c>unix:</c>, spoken without TLS (a
    /// terminator to its edge agent).
    /// </summary>
    public bool IsPlain => Address.Scheme is "tcp" or "unix";

    /// <summary>Whether this is a Keyless protocol mode.</summary>
    public bool IsKeyless => Mode.StartsWith("keyless", StringComparison.Ordinal);

    /// <summary>Independent HTTP/2 connections.</summary>
    public int Connections { get; init; } = 1;

    /// <summary>Requests kept in flight on each connection.</summary>
    public int InFlight { get; init; } = 64;

    /// <summary>Measured duration.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unmeasured warm-up before the measurement.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Per-request time budget sent in <c>timeout_ms</c>.</summary>
    public uint TimeoutMs { get; init; } = 2000;
}
