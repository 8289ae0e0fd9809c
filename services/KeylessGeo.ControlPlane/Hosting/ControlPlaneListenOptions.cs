namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// Where the HTTP API listens (configuration section <c>ControlPlane:Listen</c>): a mutual-TLS
/// endpoint (operators authenticate with client certificates chained to <see cref="ClientCaPath"/>;
/// the certificate subject is the identity), a Unix domain socket for local tooling (the peer's uid
/// is the identity), and, off by default, a read-only plaintext endpoint on loopback.
/// </summary>
public sealed record ControlPlaneListenOptions
{
    /// <summary>The IP address of the mutual-TLS endpoint.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The port of the mutual-TLS endpoint; 0 picks a free port; -1 disables it.</summary>
    public int Port { get; init; } = 8443;

    /// <summary>PEM file of the server certificate (with its chain).</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary>PEM file of the server certificate's private key.</summary>
    public string KeyPath { get; init; } = "";

    /// <summary>PEM file of the CA(s) that issue operator client certificates.</summary>
    public string ClientCaPath { get; init; } = "";

    /// <summary>The local Unix domain socket.</summary>
    public UnixSocketOptions UnixSocket { get; init; } = new();

    /// <summary>
    /// A port on 127.0.0.1 for plaintext HTTP (0 picks a free port), or null for none (the default).
    /// It is read-only: it serves GET requests and dry runs to anyone on the host, and refuses
    /// every change.
    /// </summary>
    public int? PlaintextPort { get; init; }

    /// <summary>Whether the mutual-TLS endpoint is enabled.</summary>
    public bool TlsEnabled => Port >= 0;
}
