using System.Formats.Asn1;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Keyless.Identifiers;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// Reads a private key from PEM — PKCS#1 (<c>RSA PRIVATE KEY</c>), SEC1 (<c>EC PRIVATE KEY</c>),
/// PKCS#8 (<c>PRIVATE KEY</c>) or encrypted PKCS#8 (<c>ENCRYPTED PRIVATE KEY</c>, with its
/// passphrase) — into PKCS#8 DER and the key's public facts. Supported: RSA 2048–4096 bits, ECDSA
/// on P-256, P-384 and P-521, Ed25519. Every buffer that held key bytes is pinned and zeroed;
/// errors are 422s that name the problem and never contain key material.
/// </summary>
/// <remarks>
/// The key structures are read as slices of the pinned DER and the PKCS#8 is written byte by byte
/// (<see cref="PrivateKeyInfoWriter"/>): .NET's <c>ExportPkcs8PrivateKey</c> and
/// <c>ImportECPrivateKey</c> leave the key in unzeroed managed buffers of their own. RSA keys are
/// checked without a key object (<see cref="RsaPrivateKeys"/>); the EC key object is created only to
/// check the key and derive its public half.
/// </remarks>
internal static class PrivateKeyReader
{
    /// <summary>The request field errors are reported under.</summary>
    public const string Field = "privateKey";

    private const string RsaPssOid = "1.2.840.113549.1.1.10";
    private static readonly byte[] Ed25519Pkcs8Prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
    private static readonly byte[] Ed25519SpkiPrefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    /// <summary>Reads the first private key block of <paramref name="material"/>.</summary>
    public static ParsedPrivateKey Read(KeyMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        var text = material.Pem;
        if (text.Contains("Proc-Type:", StringComparison.Ordinal) && text.Contains("ENCRYPTED", StringComparison.Ordinal))
        {
            throw Error(ErrorCodes.UnsupportedKey,
                "the key uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED), which is not supported; convert it to encrypted PKCS#8 with 'openssl pkcs8 -topk8 -in KEY -out KEY.p8'");
        }

        var (label, offset, fields) = FindPrivateKeyBlock(text);
        var der = GC.AllocateUninitializedArray<byte>(fields.DecodedDataLength, pinned: true);
        try
        {
            if (!Convert.TryFromBase64Chars(text[offset..][fields.Base64Data], der, out var written) || written != der.Length)
            {
                throw Error(ErrorCodes.MalformedPem, $"the '{label}' block's base64 content is malformed");
            }

            return label switch
            {
                "RSA PRIVATE KEY" => Decode(label, () => FromRsa(der)),
                "EC PRIVATE KEY" => Decode(label, () => FromEc(EcPrivateKeys.ReadSec1(der, curveOid: null))),
                "PRIVATE KEY" => Decode(label, () => FromPkcs8(der)),
                _ => Decode(label, () => FromEncryptedPkcs8(der, material)),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static (string Label, int Offset, PemFields Fields) FindPrivateKeyBlock(ReadOnlySpan<char> text)
    {
        var others = new List<string>();
        var offset = 0;
        while (PemEncoding.TryFind(text[offset..], out var fields))
        {
            var label = text[offset..][fields.Label].ToString();
            if (label is "RSA PRIVATE KEY" or "EC PRIVATE KEY" or "PRIVATE KEY" or "ENCRYPTED PRIVATE KEY")
            {
                return (label, offset, fields);
            }

            others.Add(label);
            offset += fields.Location.End.Value;
        }

        throw Error(ErrorCodes.MalformedPem, others.Count == 0
            ? "no complete PEM block found: expected '-----BEGIN PRIVATE KEY-----' (PKCS#8), 'RSA PRIVATE KEY' (PKCS#1), 'EC PRIVATE KEY' (SEC1) or 'ENCRYPTED PRIVATE KEY', with valid base64 and a matching END line"
            : $"the PEM text holds no private key (found {string.Join(", ", others.Select(o => $"'{o}'"))}); expected PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY");
    }

    private static ParsedPrivateKey Decode(string label, Func<ParsedPrivateKey> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException)
        {
            throw Error(ErrorCodes.MalformedPem, $"the '{label}' block is not a valid private key ({Kind(label)})");
        }
    }

    private static string Kind(string label) => label switch
    {
        "RSA PRIVATE KEY" => "PKCS#1 RSAPrivateKey",
        "EC PRIVATE KEY" => "SEC1 ECPrivateKey",
        "PRIVATE KEY" => "PKCS#8 PrivateKeyInfo",
        _ => "PKCS#8 EncryptedPrivateKeyInfo",
    };

    private static ParsedPrivateKey FromPkcs8(ReadOnlyMemory<byte> der)
    {
        var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        var oid = info.ReadSequence().ReadObjectIdentifier();
        switch (oid)
        {
            case PublicKeyOids.Rsa:
                return info.TryReadPrimitiveOctetString(out var rsaPrivateKey)
                    ? FromRsa(rsaPrivateKey)
                    : throw new CryptographicException("the PKCS#8 privateKey is not a primitive OCTET STRING");
            case PublicKeyOids.EcPublicKey:
                return FromEc(EcPrivateKeys.ReadPrivateKeyInfo(der));
            case PublicKeyOids.Ed25519:
                // privateKey OCTET STRING wraps CurvePrivateKey ::= OCTET STRING (the seed), read as slices of der.
                return FromEd25519(Ed25519Seed(info.ReadEncodedValue()));
            default:
                throw Unsupported(oid);
        }
    }

    private static ParsedPrivateKey FromEncryptedPkcs8(byte[] der, KeyMaterial material)
    {
        // The envelope is checked first, so a corrupt file is not reported as a wrong passphrase.
        var envelope = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        envelope.ReadSequence();
        envelope.ReadEncodedValue();
        if (!material.HasPassphrase)
        {
            throw Error(ErrorCodes.PassphraseRequired, "the private key is encrypted (ENCRYPTED PRIVATE KEY); give its passphrase");
        }

        byte[] plaintext;
        int length;
        try
        {
            (plaintext, length) = EncryptedPkcs8.Decrypt(der, material.Passphrase);
        }
        catch (CryptographicException)
        {
            throw WrongPassphrase();
        }

        try
        {
            return FromPkcs8(plaintext.AsMemory(0, length));
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException)
        {
            // A wrong passphrase can still unpad cleanly (about 1 in 256); the garbage then fails to decode.
            throw WrongPassphrase();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static ControlPlaneException WrongPassphrase() =>
        Error(ErrorCodes.WrongPassphrase, "the passphrase does not decrypt the private key");

    /// <summary>
    /// A PKCS#1 RSAPrivateKey (a slice of a pinned buffer): checked and its public half derived
    /// without a key object (<see cref="RsaPrivateKeys"/>: any RSA private-key import leaves freed,
    /// unzeroed copies in OpenSSL's heap), then wrapped into PKCS#8 as it is.
    /// </summary>
    private static ParsedPrivateKey FromRsa(ReadOnlyMemory<byte> rsaPrivateKey)
    {
        var spki = RsaPrivateKeys.Check(rsaPrivateKey);
        return Create(spki, PrivateKeyInfoWriter.WriteRsa(rsaPrivateKey.Span));
    }

    /// <summary>An EC key (slices of a pinned buffer): imported through a pinned scalar, written back as PKCS#8.</summary>
    private static ParsedPrivateKey FromEc(EcPrivateKeyParts parts)
    {
        if (EcPrivateKeys.FieldSizeOf(parts.CurveOid) is null)
        {
            throw Error(ErrorCodes.UnsupportedKey, $"EC (curve {parts.CurveOid ?? "unnamed"}) key: supported curves are P-256, P-384 and P-521");
        }

        using var ec = ECDsa.Create();
        EcPrivateKeys.Import(ec, parts);
        var spki = ec.ExportSubjectPublicKeyInfo();
        return Create(spki, EcPrivateKeys.WritePrivateKeyInfo(ec, parts));
    }

    /// <summary>
    /// The seed inside CurvePrivateKey ::= OCTET STRING; with <paramref name="wrapped"/>, inside the
    /// PKCS#8 privateKey OCTET STRING around it. Slices of the input: no copy of the seed is made.
    /// </summary>
    private static ReadOnlySpan<byte> Ed25519Seed(ReadOnlyMemory<byte> encoded, bool wrapped = true)
    {
        var inner = encoded;
        if (wrapped && !new AsnReader(encoded, AsnEncodingRules.DER).TryReadPrimitiveOctetString(out inner))
        {
            throw new CryptographicException("the Ed25519 privateKey is not a primitive OCTET STRING");
        }

        return new AsnReader(inner, AsnEncodingRules.DER).TryReadPrimitiveOctetString(out var seed)
            ? seed.Span
            : throw new CryptographicException("the Ed25519 CurvePrivateKey is not a primitive OCTET STRING");
    }

    private static ParsedPrivateKey FromEd25519(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw Error(ErrorCodes.MalformedPem, $"the Ed25519 private key is {seed.Length} bytes; expected 32");
        }

        var pkcs8 = GC.AllocateUninitializedArray<byte>(Ed25519Pkcs8Prefix.Length + 32, pinned: true);
        Ed25519Pkcs8Prefix.CopyTo(pkcs8, 0);
        seed.CopyTo(pkcs8.AsSpan(Ed25519Pkcs8Prefix.Length));
        return Create([.. Ed25519SpkiPrefix, .. Ed25519PublicKey.FromSeed(seed)], pkcs8);
    }

    private static ParsedPrivateKey Create(byte[] spki, byte[] pinnedPkcs8)
    {
        try
        {
            var identity = KeyIdentifiers.FromSubjectPublicKeyInfo(spki);
            var algorithm = KeyAlgorithmNames.For(identity)
                ?? throw Error(ErrorCodes.UnsupportedKey, $"{identity.Description} keys are not supported");
            return new ParsedPrivateKey(pinnedPkcs8, identity, algorithm);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(pinnedPkcs8);
            throw;
        }
    }

    private static ControlPlaneException Unsupported(string oid) => Error(ErrorCodes.UnsupportedKey, oid switch
    {
        RsaPssOid => "RSASSA-PSS-restricted keys (OID 1.2.840.113549.1.1.10) are not supported; use an rsaEncryption RSA key",
        "1.3.101.110" => "X25519 keys cannot sign; supported are RSA, ECDSA (P-256, P-384, P-521) and Ed25519",
        "1.3.101.113" => "Ed448 keys are not supported; supported are RSA, ECDSA (P-256, P-384, P-521) and Ed25519",
        "1.2.840.10040.4.1" => "DSA keys are not supported; supported are RSA, ECDSA (P-256, P-384, P-521) and Ed25519",
        _ => $"keys of algorithm {oid} are not supported; supported are RSA, ECDSA (P-256, P-384, P-521) and Ed25519",
    });

    private static ControlPlaneException Error(string code, string message) => ControlPlaneException.Invalid(code, Field, message);
}
