namespace KeylessGeo.KeyServer.Keys;

/// <summary>The family of a key, which decides the operations it can perform.</summary>
public enum KeyKind
{
    /// <summary>RSA, 2048 to 4096 bits.</summary>
    Rsa,

    /// <summary>ECDSA on P-256, P-384 or P-521.</summary>
    Ecdsa,

    /// <summary>Ed25519.</summary>
    Ed25519,
}
