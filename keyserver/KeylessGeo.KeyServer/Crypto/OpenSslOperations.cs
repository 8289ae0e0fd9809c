using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// RSA operations .NET has no API for (PKCS#1 v1.5 over MD5+SHA1 or SHA-224, raw decryption),
/// through libcrypto. Every return value is checked; on failure the OpenSSL error queue is
/// cleared and a <see cref="CryptographicException"/> naming the failed call (never any key or
/// payload bytes) is thrown.
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

    internal static void Check(int result, string function)
    {
        if (result <= 0)
        {
            throw Failure(function);
        }
    }

    internal static CryptographicException Failure(string function)
    {
        LibCrypto.ERR_clear_error();
        return new CryptographicException($"OpenSSL {function} failed");
    }
}
