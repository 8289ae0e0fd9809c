using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// The public facts about one key, found in the key directory or managed by the control plane.
/// Holds no private key material: the private key is loaded on first use, from
/// <see cref="PrivateKeyPath"/> or through <see cref="Source"/>.
/// </summary>
internal sealed record IndexedKey
{
    /// <summary>The key id: the file name without <c>.key</c>, or the managed key's id.</summary>
    public required string KeyId { get; init; }

    /// <summary>Which indexing pass produced this entry; a later pass has a larger number.</summary>
    public long Generation { get; init; }

    /// <summary>The private key file; empty for a key with a <see cref="Source"/>.</summary>
    public string PrivateKeyPath { get; init; } = "";

    /// <summary>Loads the private key of a key that is not a key file (a managed key); null for key files.</summary>
    public IPrivateKeySource? Source { get; init; }

    /// <summary>
    /// When set, lookups that reach this key are refused with <see cref="RefusalCode"/> and this
    /// message, computed once when the key was indexed (a managed key its policy does not permit
    /// here is <c>POLICY_DENIED</c>; one this keyserver cannot open is <c>INTERNAL</c>).
    /// </summary>
    public string? RefusalMessage { get; init; }

    /// <summary>The error code of a refused key (see <see cref="RefusalMessage"/>).</summary>
    public ErrorCode RefusalCode { get; init; }

    public required KeyAlgorithm Algorithm { get; init; }

    public KeyKind Kind => Algorithm.Kind();

    /// <summary>RSA: the modulus length in bytes (signature and ciphertext size); otherwise 0.</summary>
    public required int ModulusBytes { get; init; }

    /// <summary>RSA: the modulus length in bits; EC: the curve size; Ed25519: 256.</summary>
    public required int KeySizeBits { get; init; }

    /// <summary>The DER SubjectPublicKeyInfo; a loaded private key must match it.</summary>
    public required byte[] SubjectPublicKeyInfo { get; init; }

    /// <summary>SHA-1 of the subjectPublicKey bit string contents (20 bytes).</summary>
    public required byte[] Ski { get; init; }

    /// <summary>RSA only: SHA-256 over the uppercase hex of the modulus (32 bytes).</summary>
    public byte[]? CertDigest { get; init; }

    /// <summary>Host names from the certificate (SAN DNS names, else the CN); may start with <c>*.</c>.</summary>
    public IReadOnlyList<string> HostNames { get; init; } = [];

    /// <summary>IP addresses from the certificate's SAN (4 or 16 bytes each).</summary>
    public IReadOnlyList<byte[]> IpAddresses { get; init; } = [];

    /// <summary>Where the public information came from: "certificate", "public key file", "private key" or "control plane".</summary>
    public required string PublicKeySource { get; init; }
}
