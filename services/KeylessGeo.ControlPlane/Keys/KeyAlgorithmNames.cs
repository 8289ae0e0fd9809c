using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// Algorithm names as the keyserver reports them (<c>KeyAlgorithms.Name</c> in the keyserver):
/// <c>rsa2048</c>, <c>rsa3072</c>, <c>rsa4096</c> (RSA sizes between two buckets count in the
/// larger), <c>ecdsa-p256</c>, <c>ecdsa-p384</c>, <c>ecdsa-p521</c>, <c>ed25519</c>.
/// </summary>
public static class KeyAlgorithmNames
{
    /// <summary>The smallest RSA key accepted, in bits.</summary>
    public const int MinRsaBits = 2048;

    /// <summary>The largest RSA key accepted, in bits.</summary>
    public const int MaxRsaBits = 4096;

    /// <summary>The name for a supported key, or null when the key type, curve or size is not supported.</summary>
    public static string? For(KeyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.Kind switch
        {
            PublicKeyKind.Rsa when identity.KeySizeBits is >= MinRsaBits and <= MaxRsaBits =>
                identity.KeySizeBits <= 2048 ? "rsa2048" : identity.KeySizeBits <= 3072 ? "rsa3072" : "rsa4096",
            PublicKeyKind.Ec => identity.CurveOid switch
            {
                PublicKeyOids.P256 => "ecdsa-p256",
                PublicKeyOids.P384 => "ecdsa-p384",
                PublicKeyOids.P521 => "ecdsa-p521",
                _ => null,
            },
            PublicKeyKind.Ed25519 => "ed25519",
            _ => null,
        };
    }
}
