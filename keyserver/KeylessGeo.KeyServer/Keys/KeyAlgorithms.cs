namespace KeylessGeo.KeyServer.Keys;

/// <summary>Names and properties of <see cref="KeyAlgorithm"/> values.</summary>
public static class KeyAlgorithms
{
    /// <summary>Every algorithm, in the order capacity is reported.</summary>
    public static IReadOnlyList<KeyAlgorithm> All { get; } =
    [
        KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa3072, KeyAlgorithm.Rsa4096,
        KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP384, KeyAlgorithm.EcdsaP521,
        KeyAlgorithm.Ed25519,
    ];

    /// <summary>The contract's name: "rsa2048", "ecdsa-p256", "ed25519" …</summary>
    public static string Name(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 => "rsa2048",
        KeyAlgorithm.Rsa3072 => "rsa3072",
        KeyAlgorithm.Rsa4096 => "rsa4096",
        KeyAlgorithm.EcdsaP256 => "ecdsa-p256",
        KeyAlgorithm.EcdsaP384 => "ecdsa-p384",
        KeyAlgorithm.EcdsaP521 => "ecdsa-p521",
        KeyAlgorithm.Ed25519 => "ed25519",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The key family of an algorithm.</summary>
    public static KeyKind Kind(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => KeyKind.Rsa,
        KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384 or KeyAlgorithm.EcdsaP521 => KeyKind.Ecdsa,
        _ => KeyKind.Ed25519,
    };

    /// <summary>The RSA bucket for a modulus size in bits.</summary>
    public static KeyAlgorithm ForRsaBits(int bits) =>
        bits <= 2048 ? KeyAlgorithm.Rsa2048 : bits <= 3072 ? KeyAlgorithm.Rsa3072 : KeyAlgorithm.Rsa4096;
}
