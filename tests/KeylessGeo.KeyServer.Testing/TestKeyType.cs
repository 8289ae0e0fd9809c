namespace KeylessGeo.KeyServer.Testing;

/// <summary>The key kinds <see cref="TestKeyDirectory"/> can generate with the openssl CLI.</summary>
public enum TestKeyType
{
    /// <summary>RSA 2048 as PKCS#1 (<c>RSA PRIVATE KEY</c>).</summary>
    Rsa2048Pkcs1,

    /// <summary>RSA 2048 as PKCS#8 (<c>PRIVATE KEY</c>).</summary>
    Rsa2048Pkcs8,

    /// <summary>RSA 3072 as PKCS#1.</summary>
    Rsa3072Pkcs1,

    /// <summary>RSA 4096 as PKCS#8.</summary>
    Rsa4096Pkcs8,

    /// <summary>ECDSA P-256 as SEC1 (<c>EC PRIVATE KEY</c>).</summary>
    EcP256,

    /// <summary>ECDSA P-384 as SEC1.</summary>
    EcP384,

    /// <summary>ECDSA P-521 as PKCS#8.</summary>
    EcP521,

    /// <summary>Ed25519 as PKCS#8.</summary>
    Ed25519,
}
