using System.Formats.Asn1;

namespace KeylessGeo.Placement.Secrets;

/// <summary>
/// Writes PKCS#8 PrivateKeyInfo for RSA and EC keys byte by byte into one pinned buffer the caller
/// zeroes. .NET's own exporters encode through an <see cref="AsnWriter"/> whose internal buffer is
/// left behind unzeroed on the managed heap (a measured leak of the key in SEC1 and PKCS#8 form);
/// nothing here allocates a secret anywhere else.
/// </summary>
public static class PrivateKeyInfoWriter
{
    // SEQUENCE { rsaEncryption, NULL }
    private static ReadOnlySpan<byte> RsaAlgorithm => [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

    // OBJECT IDENTIFIER id-ecPublicKey
    private static ReadOnlySpan<byte> EcPublicKey => [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

    private static ReadOnlySpan<byte> Version0 => [0x02, 0x01, 0x00];

    private static ReadOnlySpan<byte> Version1 => [0x02, 0x01, 0x01];

    /// <summary>
    /// PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { <paramref name="rsaPrivateKey"/> } }
    /// around a PKCS#1 RSAPrivateKey, copied verbatim.
    /// </summary>
    public static byte[] WriteRsa(ReadOnlySpan<byte> rsaPrivateKey)
    {
        if (rsaPrivateKey.IsEmpty)
        {
            throw new ArgumentException("The RSA private key is empty.", nameof(rsaPrivateKey));
        }

        var content = Version0.Length + RsaAlgorithm.Length + DerLengths.Tlv(rsaPrivateKey.Length);
        var result = SecretBuffers.Bytes(DerLengths.Tlv(content));
        var span = result.AsSpan();
        var at = DerLengths.WriteHeader(span, 0x30, content);
        at += Append(span[at..], Version0);
        at += Append(span[at..], RsaAlgorithm);
        at += DerLengths.WriteHeader(span[at..], 0x04, rsaPrivateKey.Length);
        rsaPrivateKey.CopyTo(span[at..]);
        return result;
    }

    /// <summary>
    /// PrivateKeyInfo { version 0, { id-ecPublicKey, <paramref name="curveOid"/> }, OCTET STRING {
    /// ECPrivateKey { 1, scalar (left-padded to <paramref name="fieldSize"/> bytes), [1] public point } } },
    /// the form .NET and OpenSSL write.
    /// </summary>
    /// <param name="curveOid">The named curve (public).</param>
    /// <param name="privateScalar">The scalar, big-endian, with or without leading zeros.</param>
    /// <param name="fieldSize">The curve's field size in bytes (32 for P-256, 48 for P-384, 66 for P-521).</param>
    /// <param name="uncompressedPoint">The public point, <c>04 ‖ X ‖ Y</c>.</param>
    public static byte[] WriteEc(string curveOid, ReadOnlySpan<byte> privateScalar, int fieldSize, ReadOnlySpan<byte> uncompressedPoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(curveOid);
        var scalar = privateScalar.TrimStart((byte)0);
        if (scalar.IsEmpty || scalar.Length > fieldSize)
        {
            throw new ArgumentException($"The private scalar does not fit a {fieldSize}-byte field.", nameof(privateScalar));
        }

        if (uncompressedPoint.Length != 1 + (2 * fieldSize) || uncompressedPoint[0] != 0x04)
        {
            throw new ArgumentException($"The public point is not an uncompressed point of a {fieldSize}-byte field.", nameof(uncompressedPoint));
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(curveOid);
        var curve = writer.Encode(); // public: the curve's name

        var bitString = 1 + uncompressedPoint.Length;
        var publicKey = DerLengths.Tlv(bitString);
        var ecPrivateKey = Version1.Length + DerLengths.Tlv(fieldSize) + DerLengths.Tlv(publicKey);
        var algorithm = EcPublicKey.Length + curve.Length;
        var octetString = DerLengths.Tlv(ecPrivateKey);
        var content = Version0.Length + DerLengths.Tlv(algorithm) + DerLengths.Tlv(octetString);

        var result = SecretBuffers.Bytes(DerLengths.Tlv(content));
        var span = result.AsSpan();
        var at = DerLengths.WriteHeader(span, 0x30, content);
        at += Append(span[at..], Version0);
        at += DerLengths.WriteHeader(span[at..], 0x30, algorithm);
        at += Append(span[at..], EcPublicKey);
        at += Append(span[at..], curve);
        at += DerLengths.WriteHeader(span[at..], 0x04, octetString);
        at += DerLengths.WriteHeader(span[at..], 0x30, ecPrivateKey);
        at += Append(span[at..], Version1);
        at += DerLengths.WriteHeader(span[at..], 0x04, fieldSize);
        span.Slice(at, fieldSize - scalar.Length).Clear();
        scalar.CopyTo(span[(at + fieldSize - scalar.Length)..]);
        at += fieldSize;
        at += DerLengths.WriteHeader(span[at..], 0xa1, publicKey);
        at += DerLengths.WriteHeader(span[at..], 0x03, bitString);
        span[at++] = 0; // no unused bits
        uncompressedPoint.CopyTo(span[at..]);
        return result;
    }

    private static int Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }
}
