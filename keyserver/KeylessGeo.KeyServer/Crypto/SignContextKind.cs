namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// What an initialised signing context is set up for: contexts are kept per key and per kind,
/// because padding, digest and salt length are fixed when a context is initialised.
/// </summary>
internal enum SignContextKind
{
    /// <summary>ECDSA over the digest as given, DER output (every ECDSA operation: the payload is the digest).</summary>
    Ecdsa,

    /// <summary>RSA PKCS#1 v1.5 over the input as given, no DigestInfo (MD5+SHA1).</summary>
    RsaPkcs1Raw,

    RsaPkcs1Sha1,
    RsaPkcs1Sha224,
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,

    /// <summary>RSA-PSS, MGF1 with the same digest, salt as long as the digest.</summary>
    RsaPssSha256,

    RsaPssSha384,
    RsaPssSha512,
}
