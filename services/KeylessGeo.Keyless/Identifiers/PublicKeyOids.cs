namespace KeylessGeo.Keyless.Identifiers;

/// <summary>Object identifiers of the public key algorithms and curves the identifiers know.</summary>
public static class PublicKeyOids
{
    /// <summary>rsaEncryption.</summary>
    public const string Rsa = "1.2.840.113549.1.1.1";

    /// <summary>id-ecPublicKey.</summary>
    public const string EcPublicKey = "1.2.840.10045.2.1";

    /// <summary>id-Ed25519.</summary>
    public const string Ed25519 = "1.3.101.112";

    /// <summary>NIST P-256 (prime256v1).</summary>
    public const string P256 = "1.2.840.10045.3.1.7";

    /// <summary>NIST P-384 (secp384r1).</summary>
    public const string P384 = "1.3.132.0.34";

    /// <summary>NIST P-521 (secp521r1).</summary>
    public const string P521 = "1.3.132.0.35";
}
