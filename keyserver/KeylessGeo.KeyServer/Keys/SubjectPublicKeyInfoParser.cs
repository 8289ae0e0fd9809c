using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Reads algorithm, size, SKI and certificate digest from a DER SubjectPublicKeyInfo (through
/// the shared <see cref="KeyIdentifiers"/>) and applies the keyserver's rules: which
/// algorithms, curves and sizes it serves.
/// </summary>
internal static class SubjectPublicKeyInfoParser
{
    public const string RsaOid = PublicKeyOids.Rsa;
    public const string EcPublicKeyOid = PublicKeyOids.EcPublicKey;
    public const string Ed25519Oid = PublicKeyOids.Ed25519;

    /// <summary>Parses <paramref name="spki"/>; throws <see cref="KeyFileException"/> for unsupported keys.</summary>
    public static ParsedPublicKey Parse(ReadOnlyMemory<byte> spki)
    {
        KeyIdentity identity;
        try
        {
            identity = KeyIdentifiers.FromSubjectPublicKeyInfo(spki);
        }
        catch (KeyIdentifierException e)
        {
            throw new KeyFileException(e.Message, e);
        }

        var key = identity.SubjectPublicKey.Span;
        if (identity.Kind == PublicKeyKind.Ec && (key.IsEmpty || key[0] != 0x04))
        {
            // Loaded keys are matched against the uncompressed point OpenSSL exports.
            throw new KeyFileException("the EC public key is in compressed form: write it uncompressed (openssl pkey -pubout without -ec_conv_form compressed)");
        }

        return identity.Kind switch
        {
            PublicKeyKind.Rsa => ParseRsa(identity),
            PublicKeyKind.Ec => identity.CurveOid switch
            {
                PublicKeyOids.P256 => new ParsedPublicKey(KeyAlgorithm.EcdsaP256, 256, 0, identity.Ski, null),
                PublicKeyOids.P384 => new ParsedPublicKey(KeyAlgorithm.EcdsaP384, 384, 0, identity.Ski, null),
                PublicKeyOids.P521 => new ParsedPublicKey(KeyAlgorithm.EcdsaP521, 521, 0, identity.Ski, null),
                _ => throw new KeyFileException($"unsupported elliptic curve '{identity.CurveOid ?? "(none)"}': use P-256, P-384 or P-521"),
            },
            PublicKeyKind.Ed25519 => new ParsedPublicKey(KeyAlgorithm.Ed25519, 256, 0, identity.Ski, null),
            _ => throw new KeyFileException($"unsupported public key algorithm '{identity.AlgorithmOid}'"),
        };
    }

    private static ParsedPublicKey ParseRsa(KeyIdentity identity)
    {
        var bits = identity.KeySizeBits;
        if (bits < 2048 || bits > 4096)
        {
            throw new KeyFileException($"RSA key size {bits} bits is not supported: use 2048 to 4096 bits");
        }

        return new ParsedPublicKey(KeyAlgorithms.ForRsaBits(bits), bits, identity.ModulusLength, identity.Ski, identity.CertificateDigest);
    }
}
