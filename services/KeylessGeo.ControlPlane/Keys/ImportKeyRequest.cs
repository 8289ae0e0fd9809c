using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>Import a private key under a policy.</summary>
public sealed record ImportKeyRequest
{
    /// <summary>The new key's id (see <c>Operations.Ids</c>).</summary>
    public required string KeyId { get; init; }

    /// <summary>The policy that decides where the key may be used.</summary>
    public required string PolicyId { get; init; }

    /// <summary>The private key PEM (and passphrase); the caller disposes it after the call.</summary>
    public required KeyMaterial PrivateKey { get; init; }

    /// <summary>The key's certificate (PEM), which must carry the key's public key.</summary>
    public string? CertificatePem { get; init; }

    /// <summary>Host names the key serves, in addition to the certificate's.</summary>
    public ImmutableArray<string> HostNames { get; init; } = [];
}
