using System.Runtime.InteropServices;
using KeylessGeo.OpenSslEngine.Engine;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>
/// <c>ENGINE_load_private_key</c>: the key id is the path of a PEM certificate (the first one in
/// the file, so a full-chain file works) whose private key lives in a keyserver. The engine reads
/// the public key from it, works out the Keyless identifiers, and returns an EVP_PKEY holding only
/// the public half, with methods that send every private operation to the edge agent. Nothing is
/// sent at load time: nginx's master loads keys and must not depend on the agent being up.
/// </summary>
internal static unsafe class KeyLoader
{
    /// <summary>The private key for the certificate at <paramref name="keyId"/>; null (with an error) on failure.</summary>
    [UnmanagedCallersOnly]
    public static IntPtr LoadPrivateKey(IntPtr engine, byte* keyId, IntPtr uiMethod, IntPtr callbackData) => Load(engine, keyId);

    /// <summary>The same key: its public half is all the engine ever has.</summary>
    [UnmanagedCallersOnly]
    public static IntPtr LoadPublicKey(IntPtr engine, byte* keyId, IntPtr uiMethod, IntPtr callbackData) => Load(engine, keyId);

    private static IntPtr Load(IntPtr engine, byte* keyId)
    {
        try
        {
            if (!EngineSettings.Check())
            {
                return IntPtr.Zero;
            }

            var path = keyId is null ? "" : Marshal.PtrToStringUTF8((IntPtr)keyId) ?? "";
            if (path.Length == 0)
            {
                EngineErrors.Raise(EngineError.CertificateUnreadable, "the key id must be the path of the key's PEM certificate");
                return IntPtr.Zero;
            }

            var certificate = ReadCertificate(keyId, path);
            if (certificate == IntPtr.Zero)
            {
                return IntPtr.Zero;
            }

            try
            {
                var publicKey = LibCrypto.X509_get0_pubkey(certificate);
                var bits = LibCrypto.X509_get0_pubkey_bitstr(certificate);
                if (publicKey == IntPtr.Zero || bits == IntPtr.Zero)
                {
                    EngineErrors.Raise(EngineError.CertificateUnreadable, $"{path}: the certificate's public key cannot be read");
                    return IntPtr.Zero;
                }

                var ski = Digest(LibCrypto.ASN1_STRING_get0_data(bits), LibCrypto.ASN1_STRING_length(bits), LibCrypto.EVP_sha1(), 20);
                return LibCrypto.EVP_PKEY_get_base_id(publicKey) switch
                {
                    OpenSslConstants.EvpPkeyRsa => RsaKeys.Create(engine, publicKey, ski, path),
                    OpenSslConstants.EvpPkeyEc => EcKeys.Create(publicKey, ski, path),
                    var other => Unsupported(path, other),
                };
            }
            finally
            {
                LibCrypto.X509_free(certificate);
            }
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return IntPtr.Zero;
        }
    }

    /// <summary>SHA-1 or SHA-256 of native bytes.</summary>
    public static byte[] Digest(byte* data, int length, IntPtr type, int size)
    {
        var digest = new byte[size];
        uint written = 0;
        fixed (byte* output = digest)
        {
            if (LibCrypto.EVP_Digest(data, length, output, &written, type, IntPtr.Zero) != 1 || written != size)
            {
                throw new InvalidOperationException("EVP_Digest failed");
            }
        }

        return digest;
    }

    private static IntPtr ReadCertificate(byte* keyId, string path)
    {
        IntPtr bio;
        fixed (byte* mode = "r"u8)
        {
            bio = LibCrypto.BIO_new_file(keyId, mode);
        }

        if (bio == IntPtr.Zero)
        {
            EngineErrors.Raise(EngineError.CertificateUnreadable, $"{path}: the certificate file cannot be opened");
            return IntPtr.Zero;
        }

        try
        {
            var certificate = LibCrypto.PEM_read_bio_X509(bio, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
            if (certificate == IntPtr.Zero)
            {
                EngineErrors.Raise(EngineError.CertificateUnreadable, $"{path}: no PEM certificate in the file (the key id names the certificate, not a key)");
            }

            return certificate;
        }
        finally
        {
            LibCrypto.BIO_free(bio);
        }
    }

    private static IntPtr Unsupported(string path, int type)
    {
        EngineErrors.Raise(EngineError.UnsupportedKeyType, $"{path}: the certificate's key (type {type}) is neither RSA nor EC");
        return IntPtr.Zero;
    }
}
