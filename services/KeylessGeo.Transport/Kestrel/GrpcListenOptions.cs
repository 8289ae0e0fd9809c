using System.Net;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Transport.Kestrel;

/// <summary>Where the gRPC server listens. TLS endpoints always use mutual TLS; plaintext is opt-in and local only.</summary>
public sealed class GrpcListenOptions
{
    /// <summary>The mutual-TLS endpoint (port 0 picks a free port), or null for none.</summary>
    public IPEndPoint? TlsEndpoint { get; init; }

    /// <summary>Certificates for <see cref="TlsEndpoint"/>; required when it is set.</summary>
    public MutualTlsOptions? MutualTls { get; init; }

    /// <summary>A plaintext HTTP/2 (h2c, prior knowledge) endpoint; must be a loopback address.</summary>
    public IPEndPoint? PlaintextEndpoint { get; init; }

    /// <summary>A plaintext HTTP/2 Unix domain socket path.</summary>
    public string? UnixSocketPath { get; init; }
}
