using System.Buffers;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KeylessGeo.Keyless.Identifiers;

/// <summary>
/// Turns a key file (certificate, public key or private key) into a DER SubjectPublicKeyInfo
/// without keeping private key material: every buffer that held it is zeroed, and RSA and
/// Ed25519 public keys are read straight out of the private key structure.
/// </summary>
internal static class PemKeyReader
{
    private const int MaxFileBytes = 1 << 20;

    /// <summary>Reads <paramref name="path"/> (PEM, or a DER certificate or SubjectPublicKeyInfo).</summary>
    public static KeyIdentity ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[]? bytes = null;
        char[]? chars = null;
        try
        {
            bytes = ReadBounded(path);
            if (bytes.AsSpan().IndexOf("-----BEGIN "u8) >= 0)
            {
                chars = ArrayPool<char>.Shared.Rent(bytes.Length);
                var count = Encoding.ASCII.GetChars(bytes, chars);
                return KeyIdentifiers.FromSubjectPublicKeyInfo(ReadSubjectPublicKeyInfo(chars.AsSpan(0, count), path));
            }

            return FromDer(bytes, path);
        }
        finally
        {
            if (bytes is not null)
            {
                CryptographicOperations.ZeroMemory(bytes);
            }

            if (chars is not null)
            {
                chars.AsSpan().Clear();
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    /// <summary>The SubjectPublicKeyInfo of the first usable PEM block in <paramref name="text"/>.</summary>
    public static byte[] ReadSubjectPublicKeyInfo(ReadOnlySpan<char> text, string source)
    {
        var rest = text;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            var kind = Classify(label);
            if (kind != BlockKind.Unknown)
            {
                return Convert(kind, rest[fields.Base64Data], fields.DecodedDataLength, source);
            }

            rest = rest[fields.Location.End..];
        }

        throw new KeyIdentifierException(
            $"'{source}' holds no PEM certificate, public key or private key (CERTIFICATE, PUBLIC KEY, RSA PUBLIC KEY, RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)");
    }

    private static byte[] Convert(BlockKind kind, ReadOnlySpan<char> base64, int decodedLength, string source)
    {
        if (kind == BlockKind.EncryptedPrivateKey)
        {
            throw new KeyIdentifierException($"'{source}' holds an encrypted private key: pass its certificate or public key instead");
        }

        var der = new byte[decodedLength];
        try
        {
            if (!System.Convert.TryFromBase64Chars(base64, der, out var written) || written != der.Length)
            {
                throw new KeyIdentifierException($"'{source}' holds a PEM block whose base64 content is invalid");
            }

            return kind switch
            {
                BlockKind.Certificate => FromCertificate(der, source),
                BlockKind.PublicKey => (byte[])der.Clone(),
                BlockKind.RsaPublicKey => RsaSubjectPublicKeyInfo(der),
                BlockKind.RsaPrivateKey => FromRsaPrivateKey(der),
                BlockKind.EcPrivateKey => FromEcPrivateKey(der, pkcs8: false),
                _ => FromPkcs8(der, source),
            };
        }
        catch (AsnContentException e)
        {
            throw new KeyIdentifierException($"'{source}' holds a malformed {Name(kind)}", e);
        }
        catch (CryptographicException e)
        {
            throw new KeyIdentifierException($"'{source}' holds a malformed {Name(kind)}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static KeyIdentity FromDer(byte[] bytes, string path)
    {
        try
        {
            return KeyIdentifiers.FromSubjectPublicKeyInfo(bytes.ToArray());
        }
        catch (KeyIdentifierException)
        {
            // Not a SubjectPublicKeyInfo: perhaps a DER certificate.
        }

        try
        {
            return KeyIdentifiers.FromSubjectPublicKeyInfo(FromCertificate(bytes, path));
        }
        catch (KeyIdentifierException)
        {
            throw new KeyIdentifierException(
                $"'{path}' is neither PEM nor a DER certificate or public key: pass a certificate, public key or private key file");
        }
    }

    private static byte[] FromCertificate(byte[] der, string source)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return certificate.PublicKey.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException e)
        {
            throw new KeyIdentifierException($"'{source}' holds a certificate that is not valid X.509", e);
        }
    }

    /// <summary>RSAPrivateKey (PKCS#1) → the SubjectPublicKeyInfo of its modulus and public exponent.</summary>
    private static byte[] FromRsaPrivateKey(ReadOnlyMemory<byte> der)
    {
        var key = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        key.ReadInteger();
        var modulus = key.ReadIntegerBytes();
        var exponent = key.ReadIntegerBytes();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(modulus.Span);
            writer.WriteInteger(exponent.Span);
        }

        return RsaSubjectPublicKeyInfo(writer.Encode());
    }

    private static byte[] RsaSubjectPublicKeyInfo(byte[] rsaPublicKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(PublicKeyOids.Rsa);
                writer.WriteNull();
            }

            writer.WriteBitString(rsaPublicKey);
        }

        return writer.Encode();
    }

    private static byte[] FromEcPrivateKey(byte[] der, bool pkcs8)
    {
        // .NET derives the public point when the key omits it; the key object is disposed at once.
        using var ecdsa = ECDsa.Create();
        if (pkcs8)
        {
            ecdsa.ImportPkcs8PrivateKey(der, out _);
        }
        else
        {
            ecdsa.ImportECPrivateKey(der, out _);
        }

        return ecdsa.ExportSubjectPublicKeyInfo();
    }

    /// <summary>OneAsymmetricKey (PKCS#8 v1, or v2 with its optional public key).</summary>
    private static byte[] FromPkcs8(byte[] der, string source)
    {
        var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        var algorithm = info.ReadEncodedValue();
        var oid = new AsnReader(algorithm, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
        var privateKey = info.ReadOctetString();
        try
        {
            if (oid == PublicKeyOids.Rsa)
            {
                return FromRsaPrivateKey(privateKey);
            }

            if (oid == PublicKeyOids.EcPublicKey)
            {
                return FromEcPrivateKey(der, pkcs8: true);
            }

            if (info.HasData && info.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                info.ReadEncodedValue();
            }

            if (info.HasData && info.TryReadPrimitiveBitString(out _, out var publicKey, new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                var writer = new AsnWriter(AsnEncodingRules.DER);
                using (writer.PushSequence())
                {
                    writer.WriteEncodedValue(algorithm.Span);
                    writer.WriteBitString(publicKey.Span);
                }

                return writer.Encode();
            }

            var name = oid == PublicKeyOids.Ed25519 ? "an Ed25519" : $"a '{oid}'";
            throw new KeyIdentifierException(
                $"'{source}' holds {name} private key without its public key, which cannot be derived here: " +
                "pass the certificate (NAME.crt) or public key (NAME.pub; openssl pkey -in NAME.key -pubout) instead");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private static byte[] ReadBounded(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            if (stream.Length > MaxFileBytes)
            {
                throw new KeyIdentifierException($"'{path}' is {stream.Length} bytes, larger than any key file");
            }

            var buffer = new byte[stream.Length];
            stream.ReadExactly(buffer);
            return buffer;
        }
        catch (IOException e)
        {
            throw new KeyIdentifierException($"cannot read '{path}': {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new KeyIdentifierException($"cannot read '{path}': {e.Message}", e);
        }
    }

    private static BlockKind Classify(ReadOnlySpan<char> label) => label switch
    {
        "CERTIFICATE" => BlockKind.Certificate,
        "PUBLIC KEY" => BlockKind.PublicKey,
        "RSA PUBLIC KEY" => BlockKind.RsaPublicKey,
        "RSA PRIVATE KEY" => BlockKind.RsaPrivateKey,
        "EC PRIVATE KEY" => BlockKind.EcPrivateKey,
        "PRIVATE KEY" => BlockKind.Pkcs8PrivateKey,
        "ENCRYPTED PRIVATE KEY" => BlockKind.EncryptedPrivateKey,
        _ => BlockKind.Unknown,
    };

    private static string Name(BlockKind kind) => kind switch
    {
        BlockKind.Certificate => "certificate",
        BlockKind.PublicKey or BlockKind.RsaPublicKey => "public key",
        _ => "private key",
    };

    private enum BlockKind
    {
        Unknown,
        Certificate,
        PublicKey,
        RsaPublicKey,
        RsaPrivateKey,
        EcPrivateKey,
        Pkcs8PrivateKey,
        EncryptedPrivateKey,
    }
}
