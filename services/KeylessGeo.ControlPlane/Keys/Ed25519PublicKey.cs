using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// The Ed25519 public key of a 32-byte seed, through libcrypto (.NET has no Ed25519; this is the
/// same libcrypto.so.3 .NET's own cryptography uses on Linux).
/// </summary>
internal static partial class Ed25519PublicKey
{
    private const string Library = "libcrypto.so.3";
    private const int EvpPkeyEd25519 = 1087;
    private const ulong InitNoAtExit = 0x00080000;

    /// <summary>
    /// Runs before the first libcrypto call below: if that call were the process's first use of
    /// libcrypto, OpenSSL would register OPENSSL_cleanup with atexit, and freeing its global state
    /// at exit while runtime threads are still inside OpenSSL corrupts the heap. .NET's own
    /// initialisation (which passes OPENSSL_INIT_NO_ATEXIT) is run first, and NO_ATEXIT is asked
    /// for explicitly as well.
    /// </summary>
    static Ed25519PublicKey()
    {
        _ = SafeEvpPKeyHandle.OpenSslVersion;
        _ = OPENSSL_init_crypto(InitNoAtExit, IntPtr.Zero);
    }

    /// <summary>The 32-byte public key for <paramref name="seed"/>.</summary>
    public static byte[] FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new CryptographicException($"an Ed25519 private key is 32 bytes, not {seed.Length}");
        }

        var key = EVP_PKEY_new_raw_private_key(EvpPkeyEd25519, IntPtr.Zero, seed, (nuint)seed.Length);
        if (key == IntPtr.Zero)
        {
            throw new CryptographicException("libcrypto refused the Ed25519 private key");
        }

        try
        {
            var publicKey = new byte[32];
            var length = (nuint)publicKey.Length;
            if (EVP_PKEY_get_raw_public_key(key, publicKey, ref length) != 1 || length != 32)
            {
                throw new CryptographicException("libcrypto could not derive the Ed25519 public key");
            }

            return publicKey;
        }
        finally
        {
            // EVP_PKEY_free clears the private key (OPENSSL_clear_free) before releasing it.
            EVP_PKEY_free(key);
        }
    }

    [LibraryImport(Library)]
    private static partial IntPtr EVP_PKEY_new_raw_private_key(int type, IntPtr engine, ReadOnlySpan<byte> key, nuint keyLength);

    [LibraryImport(Library)]
    private static partial int EVP_PKEY_get_raw_public_key(IntPtr key, Span<byte> publicKey, ref nuint length);

    [LibraryImport(Library)]
    private static partial void EVP_PKEY_free(IntPtr key);

    [LibraryImport(Library)]
    private static partial int OPENSSL_init_crypto(ulong options, IntPtr settings);
}
