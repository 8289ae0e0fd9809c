using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Transport.Tls;

/// <summary>The server side of mutual TLS: the server's certificate and the CA its clients must chain to.</summary>
public sealed class MutualTlsOptions
{
    /// <summary>The server certificate, with its private key.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>The CA certificates client certificates must chain to.</summary>
    public required X509Certificate2Collection TrustedClientCa { get; init; }
}
