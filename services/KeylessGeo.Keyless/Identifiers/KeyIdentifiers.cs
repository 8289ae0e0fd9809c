using System.Buffers;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KeylessGeo.Keyless.Identifiers;

/// <summary>
/// The two ways a Keyless request names a key: the SKI (SHA-1 of the subjectPublicKey bit
/// string contents of the key's SubjectPublicKeyInfo) and, for RSA, the certificate digest
/// (SHA-256 over the uppercase hex text of the modulus, without leading zero bytes).
/// </summary>
public static class KeyIdentifiers
{
    /// <summary>The SKI length: 20 bytes.</summary>
    public const int SkiLength = 20;

    /// <summary>The certificate digest length: 32 bytes.</summary>
    public const int CertificateDigestLength = 32;

    /// <summary>The SKI of a key: SHA-1 of the contents of its subjectPublicKey bit string.</summary>
    public static byte[] ComputeSki(ReadOnlySpan<byte> subjectPublicKey) => SHA1.HashData(subjectPublicKey);

    /// <summary>
    /// The certificate digest of an RSA key: SHA-256 over the uppercase hex text of
    /// <paramref name="modulus"/> (big-endian; leading zero bytes are ignored).
    /// </summary>
    public static byte[] ComputeCertificateDigest(ReadOnlySpan<byte> modulus)
    {
        var start = modulus.IndexOfAnyExcept((byte)0);
        modulus = start < 0 ? [] : modulus[start..];
        var length = modulus.Length * 2;
        byte[]? rented = null;
        var hex = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            Convert.TryToHexString(modulus, hex, out _);
            return SHA256.HashData(hex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Reads a DER SubjectPublicKeyInfo. Any algorithm yields an SKI; RSA keys also yield the
    /// certificate digest. The result keeps a reference to <paramref name="spki"/>.
    /// </summary>
    /// <exception cref="KeyIdentifierException"><paramref name="spki"/> is not a valid SubjectPublicKeyInfo.</exception>
    public static KeyIdentity FromSubjectPublicKeyInfo(ReadOnlyMemory<byte> spki)
    {
        try
        {
            var reader = new AsnReader(spki, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var algorithm = sequence.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            string? parameter = null;
            if (algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                parameter = algorithm.ReadObjectIdentifier();
            }

            if (!sequence.TryReadPrimitiveBitString(out var unused, out var key) || unused != 0)
            {
                throw new KeyIdentifierException("the public key bit string is malformed");
            }

            var identity = new KeyIdentity
            {
                Kind = PublicKeyKind.Other,
                AlgorithmOid = oid,
                SubjectPublicKeyInfo = spki,
                SubjectPublicKey = key,
                Ski = ComputeSki(key.Span),
            };
            return oid switch
            {
                PublicKeyOids.Rsa => WithRsa(identity, key),
                PublicKeyOids.EcPublicKey => identity with { Kind = PublicKeyKind.Ec, CurveOid = parameter, KeySizeBits = CurveBits(parameter) },
                PublicKeyOids.Ed25519 => identity with { Kind = PublicKeyKind.Ed25519, KeySizeBits = 256 },
                _ => identity,
            };
        }
        catch (AsnContentException e)
        {
            throw new KeyIdentifierException("the public key is not a valid SubjectPublicKeyInfo", e);
        }
    }

    /// <summary>The identity of a certificate's public key.</summary>
    public static KeyIdentity FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FromSubjectPublicKeyInfo(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// The identity of the first certificate, public key or private key in PEM text (other
    /// blocks, such as EC PARAMETERS, are skipped). See <see cref="FromFile"/> for the formats.
    /// </summary>
    /// <param name="pem">The PEM text.</param>
    /// <param name="source">What to call the text in error messages (a file name).</param>
    public static KeyIdentity FromPem(ReadOnlySpan<char> pem, string source = "the PEM text")
        => FromSubjectPublicKeyInfo(PemKeyReader.ReadSubjectPublicKeyInfo(pem, source));

    /// <summary>
    /// The identity of the key in a file: PEM CERTIFICATE (the first of a chain), PUBLIC KEY,
    /// RSA PUBLIC KEY, RSA PRIVATE KEY (PKCS#1), EC PRIVATE KEY (SEC1) or PRIVATE KEY (PKCS#8:
    /// RSA, EC, and Ed25519 when it carries its public key); or a DER certificate or
    /// SubjectPublicKeyInfo. Buffers that held the file are zeroed; messages never hold key bytes.
    /// </summary>
    /// <exception cref="KeyIdentifierException">The file cannot be read or holds no usable key.</exception>
    public static KeyIdentity FromFile(string path) => PemKeyReader.ReadFile(path);

    private static KeyIdentity WithRsa(KeyIdentity identity, ReadOnlyMemory<byte> rsaPublicKey)
    {
        var reader = new AsnReader(rsaPublicKey, AsnEncodingRules.DER).ReadSequence();
        var modulus = reader.ReadIntegerBytes().Span;
        var start = modulus.IndexOfAnyExcept((byte)0);
        modulus = start < 0 ? [] : modulus[start..];
        var bits = modulus.Length == 0 ? 0 : ((modulus.Length - 1) * 8) + (32 - int.LeadingZeroCount(modulus[0]));
        return identity with
        {
            Kind = PublicKeyKind.Rsa,
            KeySizeBits = bits,
            ModulusLength = modulus.Length,
            CertificateDigest = ComputeCertificateDigest(modulus),
        };
    }

    private static int CurveBits(string? curve) => curve switch
    {
        PublicKeyOids.P256 => 256,
        PublicKeyOids.P384 => 384,
        PublicKeyOids.P521 => 521,
        _ => 0,
    };
}
