using System.Security.Cryptography;
using System.Text;
using KeylessGeo.Keyless.Identifiers;

namespace KeylessGeo.Keyless.Tests.Identifiers;

public sealed class KeyIdentifiersTests
{
    [Fact]
    public void ComputeCertificateDigest_HashesTheUppercaseHexOfTheModulus()
    {
        byte[] modulus = [0xAB, 0x01, 0xCD];

        Assert.Equal(SHA256.HashData("AB01CD"u8), KeyIdentifiers.ComputeCertificateDigest(modulus));
    }

    [Fact]
    public void ComputeCertificateDigest_IgnoresLeadingZeroBytes()
    {
        Assert.Equal(KeyIdentifiers.ComputeCertificateDigest([0xAB, 0x01]), KeyIdentifiers.ComputeCertificateDigest([0, 0, 0xAB, 0x01]));
    }

    [Fact]
    public void ComputeCertificateDigest_OfA4096BitModulus_MatchesTheStringForm()
    {
        var modulus = new byte[512];
        new Random(4).NextBytes(modulus);
        modulus[0] = 0xC3;

        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(Convert.ToHexString(modulus))), KeyIdentifiers.ComputeCertificateDigest(modulus));
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_OfAnRsaKey_ReadsSizeSkiAndDigest()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);

        var identity = KeyIdentifiers.FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo());

        Assert.Equal(PublicKeyKind.Rsa, identity.Kind);
        Assert.Equal(2048, identity.KeySizeBits);
        Assert.Equal(256, identity.ModulusLength);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(Convert.ToHexString(parameters.Modulus!))), identity.CertificateDigest);
        Assert.Equal(KeyIdentifiers.SkiLength, identity.Ski.Length);
        Assert.Equal(SHA1.HashData(identity.SubjectPublicKey.Span), identity.Ski);
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_OfAnEcKey_HasNoCertificateDigest()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var identity = KeyIdentifiers.FromSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo());

        Assert.Equal(PublicKeyKind.Ec, identity.Kind);
        Assert.Equal(PublicKeyOids.P384, identity.CurveOid);
        Assert.Equal(384, identity.KeySizeBits);
        Assert.Null(identity.CertificateDigest);
        Assert.Equal(0x04, identity.SubjectPublicKey.Span[0]);
    }

    [Fact]
    public void FromSubjectPublicKeyInfo_OfAnUnknownAlgorithm_StillHasAnSki()
    {
        // X25519: SEQUENCE { SEQUENCE { OID 1.3.101.110 }, BIT STRING (32 bytes) }.
        var spki = Convert.FromHexString("302A300506032B656E032100" + new string('7', 64));

        var identity = KeyIdentifiers.FromSubjectPublicKeyInfo(spki);

        Assert.Equal(PublicKeyKind.Other, identity.Kind);
        Assert.Equal("1.3.101.110", identity.AlgorithmOid);
        Assert.Equal(SHA1.HashData(spki.AsSpan(12)), identity.Ski);
        Assert.Equal("other (algorithm 1.3.101.110)", identity.Description);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3000")]
    [InlineData("30053003060100")]
    [InlineData("302A300506032B656E03210177777777777777777777777777777777777777777777777777777777777777")]
    public void FromSubjectPublicKeyInfo_WhenMalformed_ThrowsKeyIdentifierException(string hex)
    {
        Assert.Throws<KeyIdentifierException>(() => KeyIdentifiers.FromSubjectPublicKeyInfo(Convert.FromHexString(hex)));
    }
}
