using System.Formats.Asn1;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>
/// Checks a PKCS#1 RSAPrivateKey and derives its SubjectPublicKeyInfo without handing the private
/// values to OpenSSL or to .NET's RSA class: every field is read as a slice of the caller's pinned
/// buffer, and the one value computed from secrets (p·q) lives in a pinned buffer zeroed before this
/// returns.
/// </summary>
/// <remarks>
/// Any private-key import into .NET's <see cref="RSA"/> on Linux — <c>ImportPkcs8PrivateKey</c>,
/// <c>ImportRSAPrivateKey</c> and even <c>ImportParameters</c> — ends in OpenSSL 3's
/// <c>EVP_PKCS82PKEY_ex</c>, whose decoder chain copies the whole PKCS#8 once per candidate decoder
/// (about 20 copies per import) and frees each copy without clearing it. Those freed blocks then
/// stay in the native heap until malloc reuses them. Nothing the control plane needs (the key's size,
/// its public half, that its primes are the modulus's factors) requires a key object, so none is made.
/// </remarks>
internal static class RsaPrivateKeys
{
    // SEQUENCE { rsaEncryption, NULL }
    private static ReadOnlySpan<byte> RsaAlgorithm => [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

    /// <summary>
    /// The SubjectPublicKeyInfo of <paramref name="rsaPrivateKey"/> (BER, as OpenSSL accepts it).
    /// Throws <see cref="AsnContentException"/> or <see cref="CryptographicException"/> (messages
    /// without key bytes) for a structure that is not a two-prime RSAPrivateKey, and a 422
    /// <see cref="ControlPlaneException"/> for an unsupported size, a multi-prime key, and a 422
    /// malformed-pem when its primes are not the modulus's factors.
    /// </summary>
    public static byte[] Check(ReadOnlyMemory<byte> rsaPrivateKey)
    {
        var outer = new AsnReader(rsaPrivateKey, AsnEncodingRules.BER);
        var key = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (!key.TryReadInt32(out var version) || version is not (0 or 1))
        {
            throw new CryptographicException("the RSAPrivateKey version is not 0 or 1");
        }

        var modulus = Positive(key.ReadIntegerBytes().Span, "modulus");
        var exponent = Positive(key.ReadIntegerBytes().Span, "public exponent");
        var privateExponent = Positive(key.ReadIntegerBytes().Span, "private exponent");
        var p = Positive(key.ReadIntegerBytes().Span, "prime1");
        var q = Positive(key.ReadIntegerBytes().Span, "prime2");
        var dp = Positive(key.ReadIntegerBytes().Span, "exponent1");
        var dq = Positive(key.ReadIntegerBytes().Span, "exponent2");
        var qInv = Positive(key.ReadIntegerBytes().Span, "coefficient");
        if (version == 1 || key.HasData)
        {
            throw Unsupported("multi-prime RSA keys (RSAPrivateKey version 1, otherPrimeInfos) are not supported; use a two-prime key");
        }

        var bits = BitLength(modulus);
        if (bits is < KeyAlgorithmNames.MinRsaBits or > KeyAlgorithmNames.MaxRsaBits)
        {
            throw Unsupported($"RSA key of {bits} bits: supported sizes are {KeyAlgorithmNames.MinRsaBits} to {KeyAlgorithmNames.MaxRsaBits} bits");
        }

        // Cheap range checks first (OpenSSL's decoder checked no more than the structure).
        if ((modulus[^1] & 1) == 0 || (exponent[^1] & 1) == 0 || Compare(exponent, [3]) < 0 || Compare(exponent, modulus) >= 0
            || Compare(privateExponent, modulus) >= 0 || Compare(p, [1]) <= 0 || Compare(q, [1]) <= 0
            || Compare(dp, p) >= 0 || Compare(dq, q) >= 0 || Compare(qInv, p) >= 0)
        {
            throw new CryptographicException("an RSAPrivateKey field is out of range");
        }

        if (!IsProduct(modulus, p, q))
        {
            throw ControlPlaneException.Invalid(ErrorCodes.MalformedPem, PrivateKeyReader.Field, "the RSA key is inconsistent: its primes (prime1, prime2) are not the factors of its modulus");
        }

        return SubjectPublicKeyInfo(modulus, exponent);
    }

    /// <summary>SubjectPublicKeyInfo { rsaEncryption, BIT STRING { RSAPublicKey { n, e } } }, from public values only.</summary>
    private static byte[] SubjectPublicKeyInfo(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent)
    {
        var publicKey = new AsnWriter(AsnEncodingRules.DER);
        using (publicKey.PushSequence())
        {
            publicKey.WriteIntegerUnsigned(modulus);
            publicKey.WriteIntegerUnsigned(exponent);
        }

        var spki = new AsnWriter(AsnEncodingRules.DER);
        using (spki.PushSequence())
        {
            spki.WriteEncodedValue(RsaAlgorithm);
            spki.WriteBitString(publicKey.Encode());
        }

        return spki.Encode();
    }

    /// <summary>
    /// Whether <paramref name="p"/>·<paramref name="q"/> equals <paramref name="modulus"/> (all
    /// big-endian magnitudes), by schoolbook multiplication into a pinned buffer zeroed afterwards.
    /// </summary>
    private static bool IsProduct(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        if (p.Length + q.Length < modulus.Length || p.Length + q.Length > modulus.Length + 1)
        {
            return false;
        }

        var product = SecretBuffers.Bytes(p.Length + q.Length);
        try
        {
            product.AsSpan().Clear();
            var last = product.Length - 1;
            for (var i = 0; i < p.Length; i++)
            {
                int digit = p[p.Length - 1 - i];
                var carry = 0;
                for (var j = 0; j < q.Length; j++)
                {
                    var at = last - (i + j);
                    var sum = product[at] + (digit * q[q.Length - 1 - j]) + carry;
                    product[at] = (byte)sum;
                    carry = sum >> 8;
                }

                // Row i has not reached this byte before: it holds exactly the carry.
                product[last - (i + q.Length)] = (byte)carry;
            }

            return product.AsSpan().TrimStart((byte)0).SequenceEqual(modulus);
        }
        finally
        {
            SecretBuffers.Zero(product);
        }
    }

    /// <summary>The magnitude of a positive INTEGER (its leading zero octets dropped); a zero or negative one is refused.</summary>
    private static ReadOnlySpan<byte> Positive(ReadOnlySpan<byte> integer, string field)
    {
        var magnitude = integer.TrimStart((byte)0);
        return integer[0] >= 0x80 || magnitude.IsEmpty
            ? throw new CryptographicException($"the RSAPrivateKey {field} is not a positive INTEGER")
            : magnitude;
    }

    /// <summary>Compares two big-endian magnitudes without leading zeros.</summary>
    private static int Compare(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        left.Length != right.Length ? left.Length.CompareTo(right.Length) : left.SequenceCompareTo(right);

    private static int BitLength(ReadOnlySpan<byte> magnitude) => ((magnitude.Length - 1) * 8) + (32 - int.LeadingZeroCount(magnitude[0]));

    private static ControlPlaneException Unsupported(string message) =>
        ControlPlaneException.Invalid(ErrorCodes.UnsupportedKey, PrivateKeyReader.Field, message);
}
