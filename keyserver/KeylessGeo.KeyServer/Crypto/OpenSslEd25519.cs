using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// Ed25519 through libcrypto (.NET has no Ed25519): keys from their 32-byte seed, the raw public
/// key, and signatures over the whole message (EVP_DigestSign with no digest).
/// </summary>
internal static unsafe class OpenSslEd25519
{
    /// <summary>Ed25519 signature (64 bytes) over the whole message.</summary>
    public static int Sign(SafeEvpPKeyHandle key, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        using var ctx = LibCrypto.EVP_MD_CTX_new();
        if (ctx.IsInvalid)
        {
            throw OpenSslOperations.Failure("EVP_MD_CTX_new");
        }

        var added = false;
        try
        {
            key.DangerousAddRef(ref added);
            OpenSslOperations.Check(LibCrypto.EVP_DigestSignInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key.DangerousGetHandle()), "EVP_DigestSignInit");
            var length = (nuint)signature.Length;
            byte empty = 0;
            fixed (byte* input = message)
            fixed (byte* output = signature)
            {
                var data = input == null ? &empty : input;
                OpenSslOperations.Check(LibCrypto.EVP_DigestSign(ctx, output, ref length, data, (nuint)message.Length), "EVP_DigestSign");
            }

            return (int)length;
        }
        finally
        {
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }

    /// <summary>Creates an Ed25519 key from its 32-byte seed.</summary>
    public static SafeEvpPKeyHandle FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new CryptographicException("an Ed25519 private key must be 32 bytes");
        }

        fixed (byte* data = seed)
        {
            var pkey = LibCrypto.EVP_PKEY_new_raw_private_key(LibCrypto.EvpPkeyEd25519, IntPtr.Zero, data, 32);
            if (pkey == IntPtr.Zero)
            {
                throw OpenSslOperations.Failure("EVP_PKEY_new_raw_private_key");
            }

            return new SafeEvpPKeyHandle(pkey, ownsHandle: true);
        }
    }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public static byte[] PublicKey(SafeEvpPKeyHandle key)
    {
        var publicKey = new byte[32];
        var added = false;
        try
        {
            key.DangerousAddRef(ref added);
            var length = (nuint)publicKey.Length;
            fixed (byte* output = publicKey)
            {
                OpenSslOperations.Check(LibCrypto.EVP_PKEY_get_raw_public_key(key.DangerousGetHandle(), output, ref length), "EVP_PKEY_get_raw_public_key");
            }

            return length == 32 ? publicKey : throw new CryptographicException("EVP_PKEY_get_raw_public_key returned an unexpected length");
        }
        finally
        {
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }
}
