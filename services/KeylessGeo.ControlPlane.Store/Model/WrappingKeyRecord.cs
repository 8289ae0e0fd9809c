namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// The public half of a datacenter's wrapping key pair. The private half never leaves that
/// datacenter's keyservers. One record per datacenter: registering a new key replaces it.
/// </summary>
public sealed record WrappingKeyRecord
{
    public required string DatacenterId { get; init; }

    /// <summary>Fingerprint of <see cref="PublicKey"/> (lowercase hex), as the placement library computes it.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>DER SubjectPublicKeyInfo of the datacenter's P-256 wrapping key.</summary>
    public required byte[] PublicKey { get; init; }

    public required DateTimeOffset RegisteredAt { get; init; }
}
