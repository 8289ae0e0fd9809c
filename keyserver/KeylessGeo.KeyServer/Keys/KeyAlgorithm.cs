namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// The algorithms capacity is measured and reported for. RSA keys whose size lies between two
/// buckets are counted in the larger one.
/// </summary>
public enum KeyAlgorithm
{
    /// <summary>RSA up to 2048 bits.</summary>
    Rsa2048,

    /// <summary>RSA above 2048 and up to 3072 bits.</summary>
    Rsa3072,

    /// <summary>RSA above 3072 and up to 4096 bits.</summary>
    Rsa4096,

    /// <summary>ECDSA on NIST P-256.</summary>
    EcdsaP256,

    /// <summary>ECDSA on NIST P-384.</summary>
    EcdsaP384,

    /// <summary>ECDSA on NIST P-521.</summary>
    EcdsaP521,

    /// <summary>Ed25519.</summary>
    Ed25519,
}
