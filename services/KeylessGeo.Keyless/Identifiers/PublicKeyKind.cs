namespace KeylessGeo.Keyless.Identifiers;

/// <summary>The family of a public key.</summary>
public enum PublicKeyKind
{
    /// <summary>An algorithm the identifiers do not classify (the SKI is still computed).</summary>
    Other,

    /// <summary>RSA (rsaEncryption).</summary>
    Rsa,

    /// <summary>Elliptic curve (id-ecPublicKey), any named curve.</summary>
    Ec,

    /// <summary>Ed25519.</summary>
    Ed25519,
}
