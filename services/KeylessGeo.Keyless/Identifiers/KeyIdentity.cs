using System.Globalization;

namespace KeylessGeo.Keyless.Identifiers;

/// <summary>
/// What identifies a public key on the Keyless wire: its SKI and (RSA only) its certificate
/// digest, with the algorithm facts read from its SubjectPublicKeyInfo.
/// </summary>
public sealed record KeyIdentity
{
    /// <summary>The key family.</summary>
    public required PublicKeyKind Kind { get; init; }

    /// <summary>The algorithm object identifier from the SubjectPublicKeyInfo.</summary>
    public required string AlgorithmOid { get; init; }

    /// <summary>The named curve's object identifier (EC keys), otherwise null.</summary>
    public string? CurveOid { get; init; }

    /// <summary>Modulus bits (RSA), curve bits (P-256, P-384, P-521), 256 (Ed25519), otherwise 0.</summary>
    public int KeySizeBits { get; init; }

    /// <summary>RSA only: the modulus length in bytes without leading zero bytes; otherwise 0.</summary>
    public int ModulusLength { get; init; }

    /// <summary>The DER SubjectPublicKeyInfo the identity was read from.</summary>
    public required ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }

    /// <summary>The contents of the subjectPublicKey bit string (a slice of <see cref="SubjectPublicKeyInfo"/>).</summary>
    public required ReadOnlyMemory<byte> SubjectPublicKey { get; init; }

    /// <summary>The SKI: SHA-1 of <see cref="SubjectPublicKey"/> (20 bytes).</summary>
    public required byte[] Ski { get; init; }

    /// <summary>RSA only: SHA-256 over the uppercase hex text of the modulus (32 bytes); otherwise null.</summary>
    public byte[]? CertificateDigest { get; init; }

    /// <summary>A short description: "RSA 2048", "EC P-256", "Ed25519", or the OIDs of other keys.</summary>
    public string Description => Kind switch
    {
        PublicKeyKind.Rsa => string.Create(CultureInfo.InvariantCulture, $"RSA {KeySizeBits}"),
        PublicKeyKind.Ec => CurveOid switch
        {
            PublicKeyOids.P256 => "EC P-256",
            PublicKeyOids.P384 => "EC P-384",
            PublicKeyOids.P521 => "EC P-521",
            _ => $"EC (curve {CurveOid ?? "unnamed"})",
        },
        PublicKeyKind.Ed25519 => "Ed25519",
        _ => $"other (algorithm {AlgorithmOid})",
    };
}
