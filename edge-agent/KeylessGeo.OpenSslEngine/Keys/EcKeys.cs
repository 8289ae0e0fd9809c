using KeylessGeo.OpenSslEngine.Engine;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>Builds the engine's EC keys: curve and public point only, the engine's signing method attached.</summary>
internal static class EcKeys
{
    /// <summary>An EVP_PKEY for the EC <paramref name="publicKey"/>, or null with an error.</summary>
    public static IntPtr Create(IntPtr publicKey, byte[] ski, string path)
    {
        var source = LibCrypto.EVP_PKEY_get1_EC_KEY(publicKey);
        if (source == IntPtr.Zero)
        {
            EngineErrors.Raise(EngineError.CertificateUnreadable, $"{path}: the EC public key cannot be read");
            return IntPtr.Zero;
        }

        IntPtr ec = IntPtr.Zero, pkey = IntPtr.Zero;
        try
        {
            ec = LibCrypto.EC_KEY_new();
            if (ec == IntPtr.Zero
                || LibCrypto.EC_KEY_set_method(ec, EcKeyMethod.Method) != 1
                || LibCrypto.EC_KEY_set_group(ec, LibCrypto.EC_KEY_get0_group(source)) != 1
                || LibCrypto.EC_KEY_set_public_key(ec, LibCrypto.EC_KEY_get0_public_key(source)) != 1)
            {
                throw new InvalidOperationException("building the EC key failed");
            }

            var key = new RemoteKey(isRsa: false, ski, certificateDigest: null, LibCrypto.ECDSA_size(ec), path);
            LibCrypto.EC_KEY_set_ex_data(ec, RemoteKeys.EcIndex, RemoteKeys.Add(key));
            pkey = LibCrypto.EVP_PKEY_new();
            if (pkey == IntPtr.Zero || LibCrypto.EVP_PKEY_assign(pkey, OpenSslConstants.EvpPkeyEc, ec) != 1)
            {
                throw new InvalidOperationException("EVP_PKEY_assign failed");
            }

            ec = IntPtr.Zero;
            var result = pkey;
            pkey = IntPtr.Zero;
            return result;
        }
        finally
        {
            LibCrypto.EC_KEY_free(source);
            if (ec != IntPtr.Zero)
            {
                LibCrypto.EC_KEY_free(ec);
            }

            if (pkey != IntPtr.Zero)
            {
                LibCrypto.EVP_PKEY_free(pkey);
            }
        }
    }
}
