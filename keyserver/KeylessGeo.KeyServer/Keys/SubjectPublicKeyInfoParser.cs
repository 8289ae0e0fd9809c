using System.Formats.Asn1;
using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>Reads algorithm, size, SKI and certificate digest from a DER SubjectPublicKeyInfo.</summary>
internal static class SubjectPublicKeyInfoParser
{
    public const string RsaOid = "1.2.840.113549.1.1.1";
    public const string EcPublicKeyOid = "1.2.840.10045.2.1";
    public const string Ed25519Oid = "1.3.101.112";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";
    private const string P521Oid = "1.3.132.0.35";

    /// <summary>Parses <paramref name="spki"/>; throws <see cref="KeyFileException"/> for unsupported keys.</summary>
    public static ParsedPublicKey Parse(ReadOnlyMemory<byte> spki)
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
                throw new KeyFileException("the public key bit string is malformed");
            }

            if (oid == EcPublicKeyOid && (key.Length == 0 || key.Span[0] != 0x04))
            {
                // Loaded keys are matched against the uncompressed point OpenSSL exports.
                throw new KeyFileException("the EC public key is in compressed form: write it uncompressed (openssl pkey -pubout without -ec_conv_form compressed)");
            }

            var ski = SHA1.HashData(key.Span);
            return oid switch
            {
                RsaOid => ParseRsa(key, ski),
                EcPublicKeyOid => parameter switch
                {
                    P256Oid => new ParsedPublicKey(KeyAlgorithm.EcdsaP256, 256, 0, ski, null),
                    P384Oid => new ParsedPublicKey(KeyAlgorithm.EcdsaP384, 384, 0, ski, null),
                    P521Oid => new ParsedPublicKey(KeyAlgorithm.EcdsaP521, 521, 0, ski, null),
                    _ => throw new KeyFileException($"unsupported elliptic curve '{parameter ?? "(none)"}': use P-256, P-384 or P-521"),
                },
                Ed25519Oid => new ParsedPublicKey(KeyAlgorithm.Ed25519, 256, 0, ski, null),
                _ => throw new KeyFileException($"unsupported public key algorithm '{oid}'"),
            };
        }
        catch (AsnContentException e)
        {
            throw new KeyFileException("the public key is not a valid SubjectPublicKeyInfo", e);
        }
    }

    private static ParsedPublicKey ParseRsa(ReadOnlyMemory<byte> rsaPublicKey, byte[] ski)
    {
        var reader = new AsnReader(rsaPublicKey, AsnEncodingRules.DER).ReadSequence();
        var modulus = reader.ReadIntegerBytes().Span;
        while (modulus.Length > 0 && modulus[0] == 0)
        {
            modulus = modulus[1..];
        }

        var bits = modulus.Length == 0 ? 0 : ((modulus.Length - 1) * 8) + (32 - int.LeadingZeroCount(modulus[0]));
        if (bits < 2048 || bits > 4096)
        {
            throw new KeyFileException($"RSA key size {bits} bits is not supported: use 2048 to 4096 bits");
        }

        return new ParsedPublicKey(KeyAlgorithms.ForRsaBits(bits), bits, modulus.Length, ski, CertDigest(modulus));
    }

    /// <summary>SHA-256 over the uppercase hex text of the modulus (no leading zero bytes).</summary>
    public static byte[] CertDigest(ReadOnlySpan<byte> modulus)
    {
        var hex = Convert.ToHexString(modulus);
        Span<byte> ascii = hex.Length <= 1024 ? stackalloc byte[hex.Length] : new byte[hex.Length];
        for (var i = 0; i < hex.Length; i++)
        {
            ascii[i] = (byte)hex[i];
        }

        return SHA256.HashData(ascii);
    }
}
