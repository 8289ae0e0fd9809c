using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Testing.Keyless;

/// <summary>How <see cref="KeylessTestClient"/> connects.</summary>
public sealed record KeylessTestClientOptions
{
    /// <summary>The CA the server certificate must chain to.</summary>
    public required X509Certificate2Collection TrustedCa { get; init; }

    /// <summary>The client certificate to present, or null for none.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The one TLS version to offer (TLS 1.3 by default).</summary>
    public SslProtocols Protocol { get; init; } = SslProtocols.Tls13;

    /// <summary>The server name sent and checked against the server certificate.</summary>
    public string TargetHost { get; init; } = "localhost";

    /// <summary>Wraps the socket's stream under TLS (to cut the ciphertext into segments, <see cref="HeldWritesStream"/>), or null.</summary>
    public Func<Stream, Stream>? WrapSocketStream { get; init; }
}
