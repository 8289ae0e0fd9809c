using System.Formats.Asn1;
using System.Security.Cryptography;
using KeylessGeo.KeyServer.Crypto;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Loads a private key file (PKCS#1, PKCS#8 or SEC1 PEM), or PKCS#8 DER bytes a managed key was
/// unwrapped to, into an OpenSSL-backed key, zeroing every buffer that held key bytes.
/// Permissions are checked again before reading a file.
/// </summary>
internal static class PrivateKeyLoader
{
    /// <summary>
    /// Loads the key (from its file, or through its <see cref="IndexedKey.Source"/>) and checks
    /// it matches the indexed public key.
    /// </summary>
    public static PrivateKey Load(IndexedKey key)
    {
        if (key.Source is { } source)
        {
            return source.Load(key);
        }

        return Matching(LoadFile(key.PrivateKeyPath, key), key, $"the private key in '{key.PrivateKeyPath}'");
    }

    /// <summary>
    /// Imports PKCS#8 DER <paramref name="pkcs8"/> (RSA, EC or Ed25519) for <paramref name="key"/>
    /// and checks it matches the indexed public key. The caller owns and zeroes
    /// <paramref name="pkcs8"/>; no copy of it outlives this call.
    /// </summary>
    /// <exception cref="KeyFileException">The bytes are not a supported private key, or not the one indexed.</exception>
    public static PrivateKey LoadPkcs8(IndexedKey key, byte[] pkcs8)
    {
        PrivateKey loaded;
        try
        {
            loaded = Pkcs8(key, pkcs8);
        }
        catch (CryptographicException e)
        {
            throw new KeyFileException($"the private key of '{key.KeyId}' is not a valid PKCS#8 private key", e);
        }
        catch (AsnContentException e)
        {
            throw new KeyFileException($"the private key of '{key.KeyId}' is not a valid PKCS#8 private key", e);
        }

        return Matching(loaded, key, $"the private key of '{key.KeyId}'");
    }

    private static PrivateKey Matching(PrivateKey loaded, IndexedKey key, string what)
    {
        try
        {
            var spki = ExportSubjectPublicKeyInfo(loaded);
            if (!CryptographicOperations.FixedTimeEquals(spki, key.SubjectPublicKeyInfo))
            {
                throw new KeyFileException($"{what} does not match the public key indexed from its {key.PublicKeySource}");
            }

            return loaded;
        }
        catch
        {
            loaded.Release();
            throw;
        }
    }

    /// <summary>Loads a key file without an index entry (used to derive a missing public key).</summary>
    public static PrivateKey LoadFile(string path, IndexedKey? key)
    {
        var (label, der) = PemReader.ReadFirstBlock(path, privateKey: true);
        try
        {
            var placeholder = key ?? Placeholder(path);
            return label switch
            {
                "RSA PRIVATE KEY" => Rsa(placeholder, r => r.ImportRSAPrivateKey(der, out _)),
                "EC PRIVATE KEY" => Ecdsa(placeholder, e => e.ImportECPrivateKey(der, out _)),
                "PRIVATE KEY" => Pkcs8(placeholder, der),
                _ => throw new KeyFileException($"'{path}' holds a '{label}' PEM block; expected RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY"),
            };
        }
        catch (CryptographicException e)
        {
            throw new KeyFileException($"'{path}' is not a valid private key", e);
        }
        catch (AsnContentException e)
        {
            throw new KeyFileException($"'{path}' is not a valid private key", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>The DER SubjectPublicKeyInfo of a loaded key.</summary>
    public static byte[] ExportSubjectPublicKeyInfo(PrivateKey key)
    {
        if (key.Rsa is not null)
        {
            return key.Rsa.ExportSubjectPublicKeyInfo();
        }

        if (key.Ecdsa is not null)
        {
            return key.Ecdsa.ExportSubjectPublicKeyInfo();
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SubjectPublicKeyInfoParser.Ed25519Oid);
            }

            writer.WriteBitString(OpenSslEd25519.PublicKey(key.EvpKey!));
        }

        return writer.Encode();
    }

    private static PrivateKey Pkcs8(IndexedKey key, byte[] der)
    {
        var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        var oid = info.ReadSequence().ReadObjectIdentifier();
        switch (oid)
        {
            case SubjectPublicKeyInfoParser.RsaOid:
                return Rsa(key, r => r.ImportPkcs8PrivateKey(der, out _));
            case SubjectPublicKeyInfoParser.EcPublicKeyOid:
                return Ecdsa(key, e => e.ImportPkcs8PrivateKey(der, out _));
            case SubjectPublicKeyInfoParser.Ed25519Oid:
                // privateKey OCTET STRING wraps CurvePrivateKey ::= OCTET STRING (the 32-byte seed);
                // both are read as slices of der, so no copy of the seed is made.
                if (!info.TryReadPrimitiveOctetString(out var outer) ||
                    !new AsnReader(outer, AsnEncodingRules.DER).TryReadPrimitiveOctetString(out var seed))
                {
                    throw new KeyFileException("the Ed25519 private key is malformed");
                }

                return PrivateKey.ForEd25519(key, OpenSslEd25519.FromSeed(seed.Span));
            default:
                throw new KeyFileException($"unsupported private key algorithm '{oid}'");
        }
    }

    private static PrivateKey Rsa(IndexedKey key, Action<RSAOpenSsl> import)
    {
        var rsa = new RSAOpenSsl();
        try
        {
            import(rsa);
            return PrivateKey.ForRsa(key, rsa);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static PrivateKey Ecdsa(IndexedKey key, Action<ECDsaOpenSsl> import)
    {
        var ecdsa = new ECDsaOpenSsl();
        try
        {
            import(ecdsa);
            return PrivateKey.ForEcdsa(key, ecdsa);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    private static IndexedKey Placeholder(string path) => new()
    {
        KeyId = Path.GetFileNameWithoutExtension(path),
        PrivateKeyPath = path,
        Algorithm = KeyAlgorithm.Rsa2048,
        ModulusBytes = 0,
        KeySizeBits = 0,
        SubjectPublicKeyInfo = [],
        Ski = [],
        PublicKeySource = "private key",
    };
}
