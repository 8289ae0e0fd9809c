using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Tests.Security;

/// <summary>
/// RSA private keys are read without a key object (no OpenSSL decoder, which leaves freed copies of
/// the key behind): the public half derived from the fields must be the one .NET derives, the PKCS#8
/// must carry the RSAPrivateKey verbatim, and a key whose fields do not fit together is refused with
/// an error that names the problem.
/// </summary>
public sealed class RsaPrivateKeyReadingTests
{
    [Theory]
    [InlineData(2048, "rsa2048")]
    [InlineData(2056, "rsa3072")]
    [InlineData(3072, "rsa3072")]
    [InlineData(4096, "rsa4096")]
    public void Read_OfRsaKeysInEveryForm_DerivesDotNetsPublicKey_AndKeepsThePrivateKeyVerbatim(int bits, string algorithm)
    {
        using var rsa = RSA.Create(bits);
        var expectedSpki = rsa.ExportSubjectPublicKeyInfo();
        var expectedPkcs8 = rsa.ExportPkcs8PrivateKey();
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000);

        foreach (var material in new[]
        {
            KeyMaterial.FromPem(rsa.ExportRSAPrivateKeyPem()),
            KeyMaterial.FromPem(rsa.ExportPkcs8PrivateKeyPem()),
            KeyMaterial.FromPem(rsa.ExportEncryptedPkcs8PrivateKeyPem("pass", pbe), "pass"),
        })
        {
            using (material)
            using (var key = PrivateKeyReader.Read(material))
            {
                Assert.Equal(expectedSpki, key.Identity.SubjectPublicKeyInfo.ToArray());
                Assert.Equal(bits, key.Identity.KeySizeBits);
                Assert.Equal(algorithm, key.Algorithm);
                Assert.Equal(expectedPkcs8, key.Pkcs8.ToArray());
            }
        }
    }

    [Fact]
    public void Read_OfAKeyWhosePrimesHaveDifferentLengths_ChecksTheirProductExactly()
    {
        // Not primes (the reader does not test primality), but p·q = n with |p| = 120 and |q| = 136 bytes.
        var p = RandomOdd(120);
        var q = RandomOdd(136);
        var key = Encode(p * q, 65537, p, q);
        var expected = new AsnWriter(AsnEncodingRules.DER);
        using (expected.PushSequence())
        {
            using (expected.PushSequence())
            {
                expected.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                expected.WriteNull();
            }

            var publicKey = new AsnWriter(AsnEncodingRules.DER);
            using (publicKey.PushSequence())
            {
                publicKey.WriteInteger(p * q);
                publicKey.WriteInteger(65537);
            }

            expected.WriteBitString(publicKey.Encode());
        }

        using var material = KeyMaterial.FromPem(PemEncoding.WriteString("RSA PRIVATE KEY", key));
        using var parsed = PrivateKeyReader.Read(material);

        Assert.Equal(expected.Encode(), parsed.Identity.SubjectPublicKeyInfo.ToArray());
        using var wrong = KeyMaterial.FromPem(PemEncoding.WriteString("RSA PRIVATE KEY", Encode((p * q) + 2, 65537, p, q)));
        AssertRefused(ErrorCodes.MalformedPem, "not the factors of its modulus", wrong);
    }

    [Fact]
    public void Read_OfAKeyWithAnotherKeysPrime_IsRefusedAsInconsistent()
    {
        using var rsa = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var parameters = rsa.ExportParameters(true);
        var others = other.ExportParameters(true);
        (parameters.P, parameters.DP, parameters.InverseQ) = (others.P, others.DP, others.InverseQ); // every field in range; only p·q is wrong

        using var material = KeyMaterial.FromPem(PemEncoding.WriteString("RSA PRIVATE KEY", Encode(parameters)));

        var refused = AssertRefused(ErrorCodes.MalformedPem, "its primes (prime1, prime2) are not the factors of its modulus", material);
        Assert.DoesNotContain(Convert.ToHexString(parameters.P!)[..16], refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_OfAMultiPrimeKey_IsRefusedAsUnsupported()
    {
        using var rsa = RSA.Create(2048);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            WriteFields(writer, rsa.ExportParameters(true));
            using (writer.PushSequence())
            using (writer.PushSequence())
            {
                writer.WriteInteger(7);
                writer.WriteInteger(3);
                writer.WriteInteger(5);
            }
        }

        using var material = KeyMaterial.FromPem(PemEncoding.WriteString("RSA PRIVATE KEY", writer.Encode()));

        AssertRefused(ErrorCodes.UnsupportedKey, "multi-prime RSA keys", material);
    }

    [Fact]
    public void Read_OfAKeyWithAFieldOutOfRange_IsRefusedAsNotAValidKey()
    {
        using var rsa = RSA.Create(2048);
        var even = rsa.ExportParameters(true);
        even.Exponent = [0x01, 0x00, 0x00];
        var tooLarge = rsa.ExportParameters(true);
        tooLarge.DP = tooLarge.P; // dP must be below p

        foreach (var parameters in new[] { even, tooLarge })
        {
            using var material = KeyMaterial.FromPem(PemEncoding.WriteString("RSA PRIVATE KEY", Encode(parameters)));
            AssertRefused(ErrorCodes.MalformedPem, "is not a valid private key (PKCS#1 RSAPrivateKey)", material);
        }

        var negative = new AsnWriter(AsnEncodingRules.DER);
        using (negative.PushSequence())
        {
            negative.WriteInteger(0);
            negative.WriteInteger(-12345);
            for (var i = 0; i < 7; i++)
            {
                negative.WriteInteger(3);
            }
        }

        using var negativeModulus = KeyMaterial.FromPem(PemEncoding.WriteString("RSA PRIVATE KEY", negative.Encode()));
        AssertRefused(ErrorCodes.MalformedPem, "is not a valid private key (PKCS#1 RSAPrivateKey)", negativeModulus);
    }

    private static ControlPlaneException AssertRefused(string code, string message, KeyMaterial material)
    {
        var refused = Assert.Throws<ControlPlaneException>(() => PrivateKeyReader.Read(material).Dispose());
        Assert.Equal(code, refused.Code);
        Assert.Equal(PrivateKeyReader.Field, Assert.Single(refused.Errors).Field);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        return refused;
    }

    private static BigInteger RandomOdd(int bytes)
    {
        var value = RandomNumberGenerator.GetBytes(bytes);
        value[0] |= 0xc0; // p·q then has all 2048 bits
        value[^1] |= 1;
        return new BigInteger(value, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>An RSAPrivateKey whose every private value is in range (d = 3, dP = dQ = qInv = 1): only n, e, p and q matter to the reader.</summary>
    private static byte[] Encode(BigInteger modulus, int exponent, BigInteger p, BigInteger q)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            writer.WriteInteger(modulus);
            writer.WriteInteger(exponent);
            writer.WriteInteger(3);
            writer.WriteInteger(p);
            writer.WriteInteger(q);
            writer.WriteInteger(1);
            writer.WriteInteger(1);
            writer.WriteInteger(1);
        }

        return writer.Encode();
    }

    private static byte[] Encode(RSAParameters parameters)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            WriteFields(writer, parameters);
        }

        return writer.Encode();
    }

    private static void WriteFields(AsnWriter writer, RSAParameters parameters)
    {
        foreach (var value in new[] { parameters.Modulus, parameters.Exponent, parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ })
        {
            writer.WriteIntegerUnsigned(value.AsSpan().TrimStart((byte)0));
        }
    }
}
