namespace KeylessGeo.KeyServer.Crypto;

/// <summary>Initialises a fresh <c>EVP_PKEY_CTX</c> for signing as one <see cref="SignContextKind"/>.</summary>
internal static class SignContextSetup
{
    /// <summary>The number of kinds, for arrays indexed by kind.</summary>
    public const int KindCount = (int)SignContextKind.RsaPssSha512 + 1;

    /// <summary>
    /// Runs <c>EVP_PKEY_sign_init</c> and sets padding, digest and salt length; every return
    /// value is checked (a <see cref="System.Security.Cryptography.CryptographicException"/> names the failed call).
    /// </summary>
    public static void Initialise(SafeEvpPKeyCtxHandle ctx, SignContextKind kind)
    {
        OpenSslOperations.Check(LibCrypto.EVP_PKEY_sign_init(ctx), "EVP_PKEY_sign_init");
        if (kind == SignContextKind.Ecdsa)
        {
            // No digest set: OpenSSL signs the payload as the digest, truncated to the curve's order,
            // which is what every ECDSA operation of the protocol asks for.
            return;
        }

        var pss = kind is SignContextKind.RsaPssSha256 or SignContextKind.RsaPssSha384 or SignContextKind.RsaPssSha512;
        OpenSslOperations.Check(
            LibCrypto.EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? LibCrypto.RsaPkcs1PssPadding : LibCrypto.RsaPkcs1Padding),
            "EVP_PKEY_CTX_set_rsa_padding");
        var md = Digest(kind);
        if (md != IntPtr.Zero)
        {
            OpenSslOperations.Check(LibCrypto.EVP_PKEY_CTX_set_signature_md(ctx, md), "EVP_PKEY_CTX_set_signature_md");
        }

        if (pss)
        {
            OpenSslOperations.Check(
                LibCrypto.EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, LibCrypto.RsaPssSaltLengthDigest),
                "EVP_PKEY_CTX_set_rsa_pss_saltlen");
        }
    }

    private static IntPtr Digest(SignContextKind kind) => kind switch
    {
        SignContextKind.RsaPkcs1Sha1 => LibCrypto.EVP_sha1(),
        SignContextKind.RsaPkcs1Sha224 => LibCrypto.EVP_sha224(),
        SignContextKind.RsaPkcs1Sha256 or SignContextKind.RsaPssSha256 => LibCrypto.EVP_sha256(),
        SignContextKind.RsaPkcs1Sha384 or SignContextKind.RsaPssSha384 => LibCrypto.EVP_sha384(),
        SignContextKind.RsaPkcs1Sha512 or SignContextKind.RsaPssSha512 => LibCrypto.EVP_sha512(),
        _ => IntPtr.Zero,
    };
}
