using System.Formats.Asn1;
using System.Security.Cryptography;

namespace KeylessGeo.Placement.Secrets;

/// <summary>
/// Reads EC private keys (SEC1 ECPrivateKey, PKCS#8 PrivateKeyInfo) as slices of the caller's
/// pinned buffer, imports them into an OpenSSL-backed key object through a pinned scalar that is
/// zeroed at once, and writes them back as PKCS#8 without .NET's exporters (see
/// <see cref="PrivateKeyInfoWriter"/>). Malformed input throws <see cref="CryptographicException"/>
/// or <see cref="AsnContentException"/>, with messages that never contain key bytes.
/// </summary>
public static class EcPrivateKeys
{
    /// <summary>id-ecPublicKey, the algorithm of every EC key.</summary>
    public const string EcPublicKeyOid = "1.2.840.10045.2.1";

    /// <summary>NIST P-256 (secp256r1).</summary>
    public const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>NIST P-384 (secp384r1).</summary>
    public const string P384Oid = "1.3.132.0.34";

    /// <summary>NIST P-521 (secp521r1).</summary>
    public const string P521Oid = "1.3.132.0.35";

    private static readonly Asn1Tag ParametersTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag PublicKeyTag = new(TagClass.ContextSpecific, 1, isConstructed: true);

    // The order of P-256, big-endian: a generated scalar must lie in [1, n - 1].
    private static ReadOnlySpan<byte> P256Order =>
    [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
    ];

    /// <summary>The field size in bytes of a supported named curve (P-256, P-384, P-521), or null.</summary>
    public static int? FieldSizeOf(string? curveOid) => curveOid switch
    {
        P256Oid => 32,
        P384Oid => 48,
        P521Oid => 66,
        _ => null,
    };

    /// <summary>
    /// Reads a SEC1 ECPrivateKey. <paramref name="curveOid"/> is the curve a PKCS#8 header named
    /// (null for a bare SEC1 key); the key's own <c>[0]</c> field must agree with it.
    /// </summary>
    public static EcPrivateKeyParts ReadSec1(ReadOnlyMemory<byte> ecPrivateKey, string? curveOid)
    {
        var outer = new AsnReader(ecPrivateKey, AsnEncodingRules.BER);
        var key = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (!key.TryReadInt32(out var version) || version != 1)
        {
            throw new CryptographicException("the ECPrivateKey version is not 1");
        }

        if (!key.TryReadPrimitiveOctetString(out var scalar))
        {
            throw new CryptographicException("the ECPrivateKey privateKey is not a primitive OCTET STRING");
        }

        var curve = curveOid;
        if (key.HasData && key.PeekTag().HasSameClassAndValue(ParametersTag))
        {
            var parameters = key.ReadSequence(ParametersTag);
            if (!parameters.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                throw new CryptographicException("the key carries explicit curve parameters; only named curves are supported");
            }

            var named = parameters.ReadObjectIdentifier();
            if (curve is not null && curve != named)
            {
                throw new CryptographicException($"the key names curve {named} but its PKCS#8 header names {curve}");
            }

            curve = named;
        }

        var point = ReadOnlyMemory<byte>.Empty;
        if (key.HasData && key.PeekTag().HasSameClassAndValue(PublicKeyTag))
        {
            var publicKey = key.ReadSequence(PublicKeyTag);
            if (!publicKey.TryReadPrimitiveBitString(out var unused, out point) || unused != 0)
            {
                throw new CryptographicException("the ECPrivateKey publicKey is not a whole-byte BIT STRING");
            }
        }

        key.ThrowIfNotEmpty();
        return new EcPrivateKeyParts(curve, scalar, point);
    }

    /// <summary>Reads a PKCS#8 PrivateKeyInfo that must hold an EC key on a named curve.</summary>
    public static EcPrivateKeyParts ReadPrivateKeyInfo(ReadOnlyMemory<byte> privateKeyInfo)
    {
        var outer = new AsnReader(privateKeyInfo, AsnEncodingRules.BER);
        var info = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (!info.TryReadInt32(out var version) || version is not (0 or 1))
        {
            throw new CryptographicException("the PrivateKeyInfo version is not 0 or 1");
        }

        var algorithm = info.ReadSequence();
        if (algorithm.ReadObjectIdentifier() != EcPublicKeyOid)
        {
            throw new CryptographicException("the PrivateKeyInfo does not hold an EC key");
        }

        if (!algorithm.HasData || !algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            throw new CryptographicException("the EC key's algorithm parameters do not name a curve");
        }

        var curve = algorithm.ReadObjectIdentifier();
        return info.TryReadPrimitiveOctetString(out var inner)
            ? ReadSec1(inner, curve)
            : throw new CryptographicException("the PrivateKeyInfo privateKey is not a primitive OCTET STRING");
    }

    /// <summary>
    /// Imports <paramref name="parts"/> into <paramref name="algorithm"/> (OpenSSL checks the scalar
    /// is in range and, when the key carries its public point, that the point is the scalar's).
    /// The scalar passes through one pinned buffer, zeroed before this returns.
    /// </summary>
    public static void Import(ECAlgorithm algorithm, in EcPrivateKeyParts parts)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var fieldSize = FieldSizeOf(parts.CurveOid) ?? throw new CryptographicException($"curve {parts.CurveOid ?? "(none named)"} is not supported");
        var scalar = parts.PrivateScalar.Span.TrimStart((byte)0);
        if (scalar.IsEmpty || scalar.Length > fieldSize)
        {
            throw new CryptographicException("the private scalar is zero or longer than the curve's order");
        }

        var point = parts.PublicPoint.Span;
        var uncompressed = point.Length == 1 + (2 * fieldSize) && point[0] == 0x04;
        if (!point.IsEmpty && !uncompressed && !(point.Length == 1 + fieldSize && point[0] is 0x02 or 0x03))
        {
            throw new CryptographicException("the public point is neither an uncompressed nor a compressed point of the curve");
        }

        var d = SecretBuffers.Bytes(fieldSize);
        try
        {
            d.AsSpan(0, fieldSize - scalar.Length).Clear();
            scalar.CopyTo(d.AsSpan(fieldSize - scalar.Length));
            var parameters = new ECParameters { Curve = ECCurve.CreateFromValue(parts.CurveOid!), D = d };
            if (uncompressed)
            {
                parameters.Q = new ECPoint { X = point.Slice(1, fieldSize).ToArray(), Y = point.Slice(1 + fieldSize).ToArray() };
            }

            algorithm.ImportParameters(parameters);
        }
        finally
        {
            SecretBuffers.Zero(d);
        }

        if (!point.IsEmpty && !uncompressed)
        {
            // A compressed point: OpenSSL derived the point from the scalar; it must be the one given.
            var derived = algorithm.ExportParameters(includePrivateParameters: false).Q;
            if (!derived.X.AsSpan().SequenceEqual(point[1..]) || (derived.Y![^1] & 1) != (point[0] & 1))
            {
                throw new CryptographicException("the public point in the key is not the private scalar's");
            }
        }
    }

    /// <summary>
    /// PKCS#8 for a key already imported into <paramref name="imported"/> from <paramref name="parts"/>
    /// (its public point is taken from the key object), in a pinned buffer the caller zeroes.
    /// </summary>
    public static byte[] WritePrivateKeyInfo(ECAlgorithm imported, in EcPrivateKeyParts parts)
    {
        ArgumentNullException.ThrowIfNull(imported);
        var fieldSize = FieldSizeOf(parts.CurveOid) ?? throw new CryptographicException($"curve {parts.CurveOid ?? "(none named)"} is not supported");
        var q = imported.ExportParameters(includePrivateParameters: false).Q;
        Span<byte> point = stackalloc byte[1 + (2 * fieldSize)];
        point[0] = 0x04;
        q.X.AsSpan().CopyTo(point[1..]);
        q.Y.AsSpan().CopyTo(point[(1 + fieldSize)..]);
        return PrivateKeyInfoWriter.WriteEc(parts.CurveOid!, parts.PrivateScalar.Span, fieldSize, point);
    }

    /// <summary>
    /// Generates a P-256 key pair from the system CSPRNG straight into a pinned scalar: the new key
    /// object and its PKCS#8 (pinned; the caller zeroes it). Used for keys that must be written to
    /// a file, so the scalar never passes through an array .NET allocated.
    /// </summary>
    public static ECDiffieHellman GenerateP256(out byte[] privateKeyInfo)
    {
        var scalar = SecretBuffers.Bytes(32);
        var key = ECDiffieHellman.Create();
        try
        {
            do
            {
                RandomNumberGenerator.Fill(scalar);
            }
            while (!InP256Range(scalar));

            var parts = new EcPrivateKeyParts(P256Oid, scalar, ReadOnlyMemory<byte>.Empty);
            Import(key, parts);
            privateKeyInfo = WritePrivateKeyInfo(key, parts);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            SecretBuffers.Zero(scalar);
        }
    }

    // 1 <= scalar < n; a draw outside (about one in four billion) is drawn again.
    private static bool InP256Range(ReadOnlySpan<byte> scalar) =>
        scalar.IndexOfAnyExcept((byte)0) >= 0 && scalar.SequenceCompareTo(P256Order) < 0;
}
