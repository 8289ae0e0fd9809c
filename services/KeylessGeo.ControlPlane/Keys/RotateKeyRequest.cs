using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>Replace a key's private key under the same id (version + 1, same policy).</summary>
public sealed record RotateKeyRequest
{
    public required string KeyId { get; init; }

    /// <summary>The new private key PEM (and passphrase); the caller disposes it after the call.</summary>
    public required KeyMaterial PrivateKey { get; init; }

    /// <summary>The new key's certificate (PEM). The previous certificate is dropped either way (it names the old key).</summary>
    public string? CertificatePem { get; init; }

    /// <summary>
    /// Host names for the new version; when neither these nor a certificate are given, the
    /// current host names are kept.
    /// </summary>
    public ImmutableArray<string> HostNames { get; init; } = [];
}
