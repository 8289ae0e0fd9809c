using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>
/// libcrypto calls .NET has no API for: raw RSA decryption, and the contexts
/// <see cref="SignContextPool"/> signs with. Every return value is checked; on failure the OpenSSL error queue is
/// cleared and a <see cref="CryptographicException"/> naming the failed call (never any key or
/// payload bytes) is thrown.
/// </summary>
internal static unsafe class OpenSslOperations
{
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

    internal static SafeEvpPKeyCtxHandle NewContext(SafeEvpPKeyHandle key)
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
