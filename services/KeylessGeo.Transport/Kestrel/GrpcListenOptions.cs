using System.Net;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

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

    /// <summary>
    /// Adds connection middleware to every endpoint ahead of everything else: on the TLS endpoint
    /// before the handshake, so it sees every accepted socket (a server's descriptor budget, for
    /// example). Called once per endpoint, with the endpoint's kind.
    /// </summary>
    public Action<ListenOptions, GrpcEndpointKind>? BeforeTls { get; init; }

    /// <summary>
    /// Adds connection middleware to every endpoint after the TLS handshake (on plaintext
    /// endpoints right after <see cref="BeforeTls"/>) and before HTTP/2, so it can see the
    /// verified client certificate (per-client connection limits, for example). Called once per
    /// endpoint, with the endpoint's kind.
    /// </summary>
    public Action<ListenOptions, GrpcEndpointKind>? AfterTls { get; init; }
}
