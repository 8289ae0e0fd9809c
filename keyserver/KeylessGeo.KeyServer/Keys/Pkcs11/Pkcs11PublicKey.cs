using System.Formats.Asn1;
using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>Builds the DER SubjectPublicKeyInfo of a token key from its PKCS#11 public attributes.</summary>
internal static class Pkcs11PublicKey
{
    /// <summary>An RSA key from <c>CKA_MODULUS</c> and <c>CKA_PUBLIC_EXPONENT</c> (unsigned big-endian).</summary>
    public static byte[] Rsa(byte[] modulus, byte[] exponent)
    {
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = TrimLeadingZeros(modulus), Exponent = TrimLeadingZeros(exponent) });
        return rsa.ExportSubjectPublicKeyInfo();
    }

    /// <summary>
    /// An EC key from <c>CKA_EC_PARAMS</c> (a DER named-curve OID) and <c>CKA_EC_POINT</c>
    /// (a DER OCTET STRING holding the point, or the bare point as some tokens return it).
    /// </summary>
    public static byte[] Ec(byte[] parameters, byte[] point)
    {
        string curve;
        try
        {
            curve = new AsnReader(parameters, AsnEncodingRules.DER).ReadObjectIdentifier();
        }
        catch (AsnContentException e)
        {
            throw new KeyFileException("its CKA_EC_PARAMS is not a named curve (explicit curve parameters are not supported)", e);
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(SubjectPublicKeyInfoParser.EcPublicKeyOid);
                writer.WriteObjectIdentifier(curve);
            }

            writer.WriteBitString(UnwrapPoint(point));
        }

        return writer.Encode();
    }

    private static byte[] UnwrapPoint(byte[] point)
    {
        // DER OCTET STRING (tag 4) around the point, as PKCS#11 specifies; a bare uncompressed
        // point starts with 4 too, so only a complete, exact-length OCTET STRING is unwrapped.
        if (point.Length > 2 && point[0] == 0x04)
        {
            try
            {
                var reader = new AsnReader(point, AsnEncodingRules.DER);
                var inner = reader.ReadOctetString();
                if (!reader.HasData && inner.Length > 0 && inner[0] is 0x02 or 0x03 or 0x04)
                {
                    return inner;
                }
            }
            catch (AsnContentException)
            {
                // Not DER: the bare point.
            }
        }

        return point;
    }

    private static byte[] TrimLeadingZeros(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return start == 0 ? value : value[start..];
    }
}
