using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// Private-key operations .NET has no API for, done through libcrypto. Every return value is
/// checked; on failure the OpenSSL error queue is cleared and a <see cref="CryptographicException"/>
/// naming the failed call (never any key or payload bytes) is thrown.
/// </summary>
internal static unsafe class OpenSslOperations
{
    /// <summary>RSA PKCS#1 v1.5 signature; <paramref name="md"/> IntPtr.Zero signs the input as is (MD5+SHA1).</summary>
    public static int RsaPkcs1Sign(SafeEvpPKeyHandle key, IntPtr md, ReadOnlySpan<byte> digest, Span<byte> signature)
    {
        using var ctx = NewContext(key);
        Check(LibCrypto.EVP_PKEY_sign_init(ctx), "EVP_PKEY_sign_init");
        Check(LibCrypto.EVP_PKEY_CTX_set_rsa_padding(ctx, LibCrypto.RsaPkcs1Padding), "EVP_PKEY_CTX_set_rsa_padding");
        if (md != IntPtr.Zero)
        {
            Check(LibCrypto.EVP_PKEY_CTX_set_signature_md(ctx, md), "EVP_PKEY_CTX_set_signature_md");
        }

        var length = (nuint)signature.Length;
        fixed (byte* input = digest)
        fixed (byte* output = signature)
        {
            Check(LibCrypto.EVP_PKEY_sign(ctx, output, ref length, input, (nuint)digest.Length), "EVP_PKEY_sign");
        }

        return (int)length;
    }

    /// <summary>RSA decryption with the given padding; returns the plaintext length.</summary>
    public static int RsaDecrypt(SafeEvpPKeyHandle key, int padding, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        using var ctx = NewContext(key);
        Check(LibCrypto.EVP_PKEY_decrypt_init(ctx), "EVP_PKEY_decrypt_init");
        Check(LibCrypto.EVP_PKEY_CTX_set_rsa_padding(ctx, padding), "EVP_PKEY_CTX_set_rsa_padding");
        var length = (nuint)plaintext.Length;
        fixed (byte* input = ciphertext)
        fixed (byte* output = plaintext)
        {
            Check(LibCrypto.EVP_PKEY_decrypt(ctx, output, ref length, input, (nuint)ciphertext.Length), "EVP_PKEY_decrypt");
        }

        return (int)length;
    }

    /// <summary>Ed25519 signature (64 bytes) over the whole message.</summary>
    public static int Ed25519Sign(SafeEvpPKeyHandle key, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        using var ctx = LibCrypto.EVP_MD_CTX_new();
        if (ctx.IsInvalid)
        {
            throw Failure("EVP_MD_CTX_new");
        }

        var added = false;
        try
        {
            key.DangerousAddRef(ref added);
            Check(LibCrypto.EVP_DigestSignInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key.DangerousGetHandle()), "EVP_DigestSignInit");
            var length = (nuint)signature.Length;
            byte empty = 0;
            fixed (byte* input = message)
            fixed (byte* output = signature)
            {
                var data = input == null ? &empty : input;
                Check(LibCrypto.EVP_DigestSign(ctx, output, ref length, data, (nuint)message.Length), "EVP_DigestSign");
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
    public static SafeEvpPKeyHandle Ed25519FromSeed(ReadOnlySpan<byte> seed)
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
                throw Failure("EVP_PKEY_new_raw_private_key");
            }

            return new SafeEvpPKeyHandle(pkey, ownsHandle: true);
        }
    }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public static byte[] Ed25519PublicKey(SafeEvpPKeyHandle key)
    {
        var publicKey = new byte[32];
        var added = false;
        try
        {
            key.DangerousAddRef(ref added);
            var length = (nuint)publicKey.Length;
            fixed (byte* output = publicKey)
            {
                Check(LibCrypto.EVP_PKEY_get_raw_public_key(key.DangerousGetHandle(), output, ref length), "EVP_PKEY_get_raw_public_key");
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

    private static SafeEvpPKeyCtxHandle NewContext(SafeEvpPKeyHandle key)
    {
        var added = false;
        try
        {
            key.DangerousAddRef(ref added);
            var ctx = LibCrypto.EVP_PKEY_CTX_new(key.DangerousGetHandle(), IntPtr.Zero);
            if (ctx.IsInvalid)
            {
                ctx.Dispose();
                throw Failure("EVP_PKEY_CTX_new");
            }

            return ctx;
        }
        finally
        {
            if (added)
            {
                key.DangerousRelease();
            }
        }
    }

    private static void Check(int result, string function)
    {
        if (result <= 0)
        {
            throw Failure(function);
        }
    }

    private static CryptographicException Failure(string function)
    {
        LibCrypto.ERR_clear_error();
        return new CryptographicException($"OpenSSL {function} failed");
    }
}
