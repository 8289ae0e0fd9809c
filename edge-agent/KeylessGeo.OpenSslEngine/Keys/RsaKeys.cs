using KeylessGeo.OpenSslEngine.Engine;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>Builds the engine's RSA keys: modulus and exponent only, the engine's methods attached.</summary>
internal static unsafe class RsaKeys
{
    /// <summary>An EVP_PKEY for the RSA <paramref name="publicKey"/>, or null with an error.</summary>
    public static IntPtr Create(IntPtr engine, IntPtr publicKey, byte[] ski, string path)
    {
        var source = LibCrypto.EVP_PKEY_get1_RSA(publicKey);
        if (source == IntPtr.Zero)
        {
            EngineErrors.Raise(EngineError.CertificateUnreadable, $"{path}: the RSA public key cannot be read");
            return IntPtr.Zero;
        }

        IntPtr rsa = IntPtr.Zero, pkey = IntPtr.Zero;
        try
        {
            IntPtr n, e;
            LibCrypto.RSA_get0_key(source, &n, &e, null);
            var certificateDigest = CertificateDigest(n);
            rsa = LibCrypto.RSA_new();
            if (rsa == IntPtr.Zero || LibCrypto.RSA_set_method(rsa, RsaKeyMethod.Method) != 1)
            {
                throw new InvalidOperationException("RSA_new failed");
            }

            var copyN = LibCrypto.BN_dup(n);
            var copyE = LibCrypto.BN_dup(e);
            if (LibCrypto.RSA_set0_key(rsa, copyN, copyE, IntPtr.Zero) != 1)
            {
                LibCrypto.BN_free(copyN);
                LibCrypto.BN_free(copyE);
                throw new InvalidOperationException("RSA_set0_key failed");
            }

            var key = new RemoteKey(isRsa: true, ski, certificateDigest, LibCrypto.RSA_size(rsa), path);
            LibCrypto.RSA_set_ex_data(rsa, RemoteKeys.RsaIndex, RemoteKeys.Add(key));
            pkey = LibCrypto.EVP_PKEY_new();
            if (pkey == IntPtr.Zero || LibCrypto.EVP_PKEY_assign(pkey, OpenSslConstants.EvpPkeyRsa, rsa) != 1)
            {
                throw new InvalidOperationException("EVP_PKEY_assign failed");
            }

            rsa = IntPtr.Zero;

            // Signatures and decryption go through the engine's EVP_PKEY_METHOD, which sees the
            // digest and the padding: PSS is then asked of the keyserver as PSS, not as raw RSA.
            if (LibCrypto.EVP_PKEY_set1_engine(pkey, engine) != 1)
            {
                throw new InvalidOperationException("EVP_PKEY_set1_engine failed");
            }

            var result = pkey;
            pkey = IntPtr.Zero;
            return result;
        }
        finally
        {
            LibCrypto.RSA_free(source);
            if (rsa != IntPtr.Zero)
            {
                LibCrypto.RSA_free(rsa);
            }

            if (pkey != IntPtr.Zero)
            {
                LibCrypto.EVP_PKEY_free(pkey);
            }
        }
    }

    /// <summary>SHA-256 over the modulus in uppercase hex without leading zero bytes (what <c>BN_bn2hex</c> prints).</summary>
    private static byte[] CertificateDigest(IntPtr modulus)
    {
        var hex = LibCrypto.BN_bn2hex(modulus);
        if (hex == IntPtr.Zero)
        {
            throw new InvalidOperationException("BN_bn2hex failed");
        }

        try
        {
            var text = (byte*)hex;
            var length = new ReadOnlySpan<byte>(text, 4096).IndexOf((byte)0);
            return KeyLoader.Digest(text, length, LibCrypto.EVP_sha256(), 32);
        }
        finally
        {
            LibCrypto.CRYPTO_free(hex, null, 0);
        }
    }
}
