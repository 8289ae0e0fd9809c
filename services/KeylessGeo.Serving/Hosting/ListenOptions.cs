namespace KeylessGeo.Serving.Hosting;

/// <summary>
/// Where the keyserver's gRPC endpoint listens (configuration section <c>Listen</c>). The TLS
/// endpoint always requires client certificates chained to <see cref="ClientCaPath"/>;
/// plaintext HTTP/2 is opt-in and only on loopback or a Unix socket.
/// </summary>
public sealed record ListenOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Listen";

    /// <summary>The IP address of the mutual-TLS endpoint.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The port of the mutual-TLS endpoint; 0 picks a free port; -1 disables it.</summary>
    public int Port { get; init; } = 7443;

    /// <summary>PEM file of the server certificate (with its chain).</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>PEM file of the server certificate's private key.</summary>
    public string KeyPath { get; init; } = "";

    /// <summary>PEM file of the CA(s) that issue client (edge agent) certificates.</summary>
    public string ClientCaPath { get; init; } = "";

    /// <summary>A loopback port for plaintext HTTP/2 (h2c), or null for none.</summary>
    public int? PlaintextPort { get; init; }

    /// <summary>A Unix socket path for plaintext HTTP/2, or empty for none.</summary>
    public string UnixSocketPath { get; init; } = "";

    /// <summary>Whether the mutual-TLS endpoint is enabled.</summary>
    public bool TlsEnabled => Port >= 0;
}
