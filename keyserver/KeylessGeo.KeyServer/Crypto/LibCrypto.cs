using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// The few libcrypto entry points .NET does not expose. It is the same libcrypto.so.3 that
/// .NET's RSAOpenSsl/ECDsaOpenSsl use in this process, so EVP_PKEY pointers are shared.
/// </summary>
internal static partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";
    private const ulong InitNoAtExit = 0x00080000;

    public const int RsaPkcs1Padding = 1;
    public const int RsaNoPadding = 3;
    public const int RsaPkcs1PssPadding = 6;

    /// <summary>RSA_PSS_SALTLEN_DIGEST: the PSS salt is as long as the digest (what .NET and TLS 1.3 use).</summary>
    public const int RsaPssSaltLengthDigest = -1;
    public const int EvpPkeyEd25519 = 1087;

    /// <summary>
    /// Runs before the first call below. libcrypto initialises itself on first use, and unless
    /// that first initialisation says OPENSSL_INIT_NO_ATEXIT it registers OPENSSL_cleanup with
    /// atexit: at process exit it then frees OpenSSL's global state while runtime threads may
    /// still be inside OpenSSL, which corrupts the heap. .NET initialises with NO_ATEXIT for this
    /// reason, but only when .NET's own cryptography is used first; a process whose first
    /// libcrypto call is one of ours (an Ed25519 key, say) would register the handler. So .NET's
    /// initialisation is run here first, and NO_ATEXIT is asked for explicitly as well.
    /// </summary>
    static LibCrypto()
    {
        _ = SafeEvpPKeyHandle.OpenSslVersion;
        _ = OPENSSL_init_crypto(InitNoAtExit, IntPtr.Zero);
    }

    [LibraryImport(Library)]
    private static partial int OPENSSL_init_crypto(ulong options, IntPtr settings);

    [LibraryImport(Library)]
    public static partial void ERR_clear_error();

    [LibraryImport(Library)]
    public static partial SafeEvpPKeyCtxHandle EVP_PKEY_CTX_new(IntPtr pkey, IntPtr engine);

    [LibraryImport(Library)]
    public static partial void EVP_PKEY_CTX_free(IntPtr ctx);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_sign_init(SafeEvpPKeyCtxHandle ctx);

    [LibraryImport(Library)]
    public static unsafe partial int EVP_PKEY_sign(SafeEvpPKeyCtxHandle ctx, byte* sig, ref nuint siglen, byte* tbs, nuint tbslen);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_decrypt_init(SafeEvpPKeyCtxHandle ctx);

    [LibraryImport(Library)]
    public static unsafe partial int EVP_PKEY_decrypt(SafeEvpPKeyCtxHandle ctx, byte* output, ref nuint outlen, byte* input, nuint inlen);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_CTX_set_rsa_padding(SafeEvpPKeyCtxHandle ctx, int padding);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_CTX_set_signature_md(SafeEvpPKeyCtxHandle ctx, IntPtr md);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_CTX_set_rsa_pss_saltlen(SafeEvpPKeyCtxHandle ctx, int saltlen);

    [LibraryImport(Library)]
    public static partial IntPtr EVP_sha1();

    [LibraryImport(Library)]
    public static partial IntPtr EVP_sha224();

    [LibraryImport(Library)]
    public static partial IntPtr EVP_sha256();

    [LibraryImport(Library)]
    public static partial IntPtr EVP_sha384();

    [LibraryImport(Library)]
    public static partial IntPtr EVP_sha512();

    [LibraryImport(Library)]
    public static partial SafeEvpMdCtxHandle EVP_MD_CTX_new();

    [LibraryImport(Library)]
    public static partial void EVP_MD_CTX_free(IntPtr ctx);

    [LibraryImport(Library)]
    public static partial int EVP_DigestSignInit(SafeEvpMdCtxHandle ctx, IntPtr pctx, IntPtr md, IntPtr engine, IntPtr pkey);

    [LibraryImport(Library)]
    public static unsafe partial int EVP_DigestSign(SafeEvpMdCtxHandle ctx, byte* sig, ref nuint siglen, byte* tbs, nuint tbslen);

    [LibraryImport(Library)]
    public static unsafe partial IntPtr EVP_PKEY_new_raw_private_key(int type, IntPtr engine, byte* key, nuint keylen);

    [LibraryImport(Library)]
    public static unsafe partial int EVP_PKEY_get_raw_public_key(IntPtr pkey, byte* pub, ref nuint len);
}
