using System.Security.Cryptography;

namespace KeylessGeo.Placement.Tests;

public sealed class DatacenterPublicKeyTests
{
    [Fact]
    public void Parse_OfAPublishedKey_RoundTripsWithTheSameFingerprint()
    {
        using var dcKey = DatacenterWrappingKey.Generate();

        var parsed = DatacenterWrappingKey.ParsePublic(dcKey.PublicKey);

        Assert.Equal(dcKey.Public, parsed);
        Assert.Equal(dcKey.Fingerprint, parsed.Fingerprint);
        Assert.Equal(dcKey.PublicKey, parsed.SubjectPublicKeyInfo.ToArray());
    }

    [Fact]
    public void Fingerprint_IsTheFirstSixteenBytesOfSha256OverTheSpkiInLowercaseHex()
    {
        using var dcKey = DatacenterWrappingKey.Generate();

        var expected = Convert.ToHexStringLower(SHA256.HashData(dcKey.PublicKey)[..16]);

        Assert.Equal(expected, dcKey.Fingerprint);
        Assert.Equal(32, dcKey.Fingerprint.Length);
    }

    [Fact]
    public void Parse_OfAnRsaKey_IsRefusedNamingTheAlgorithm()
    {
        using var rsa = RSA.Create(2048);

        var ex = Assert.Throws<PlacementException>(() => DatacenterPublicKey.Parse(rsa.ExportSubjectPublicKeyInfo()));

        Assert.Contains("not a P-256 EC public key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RSA", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OfAP384Key_IsRefusedNamingTheCurve()
    {
        using var p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);

        var ex = Assert.Throws<PlacementException>(() => DatacenterPublicKey.Parse(p384.ExportSubjectPublicKeyInfo()));

        Assert.Contains("must be P-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OfAPointOffTheCurve_IsRefused()
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        var spki = dcKey.PublicKey;
        spki[^1] ^= 0x01; // the last byte of y: the point leaves the curve

        Assert.Throws<PlacementException>(() => DatacenterPublicKey.Parse(spki));
    }

    [Fact]
    public void Parse_WithTrailingBytes_IsRefused()
    {
        using var dcKey = DatacenterWrappingKey.Generate();
        byte[] spki = [.. dcKey.PublicKey, 0];

        var ex = Assert.Throws<PlacementException>(() => DatacenterPublicKey.Parse(spki));

        Assert.Contains("trailing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("3059")]
    [InlineData("deadbeefdeadbeef")]
    public void Parse_OfGarbage_IsRefused(string hex)
    {
        Assert.Throws<PlacementException>(() => DatacenterPublicKey.Parse(Convert.FromHexString(hex)));
    }
}
