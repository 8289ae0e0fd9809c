using System.Formats.Asn1;
using System.Security.Cryptography;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.Placement.Tests.Secrets;

/// <summary>The PKCS#8 written byte by byte is what .NET and OpenSSL read, for every supported key.</summary>
public sealed class PrivateKeyInfoWriterTests
{
    [Theory]
    [InlineData(2048)]
    [InlineData(4096)]
    public void WriteRsa_AroundPkcs1_ImportsAsTheSameKey(int bits)
    {
        using var original = RSA.Create(bits);

        var pkcs8 = PrivateKeyInfoWriter.WriteRsa(original.ExportRSAPrivateKey());

        using var imported = RSA.Create();
        imported.ImportPkcs8PrivateKey(pkcs8, out var read);
        Assert.Equal(pkcs8.Length, read);
        Assert.Equal(original.ExportParameters(true).D, imported.ExportParameters(true).D);
        Assert.Equal(original.ExportPkcs8PrivateKey(), pkcs8);
    }

    [Theory]
    [InlineData(EcPrivateKeys.P256Oid)]
    [InlineData(EcPrivateKeys.P384Oid)]
    [InlineData(EcPrivateKeys.P521Oid)]
    public void WriteEc_IsByteForByteWhatDotNetExports(string curve)
    {
        using var original = ECDsa.Create(ECCurve.CreateFromValue(curve));
        var parameters = original.ExportParameters(true);
        byte[] point = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];

        var pkcs8 = PrivateKeyInfoWriter.WriteEc(curve, parameters.D, parameters.D!.Length, point);

        Assert.Equal(original.ExportPkcs8PrivateKey(), pkcs8);
    }

    [Fact]
    public void WriteEc_PadsAShortScalarToTheFieldSize()
    {
        byte[] scalar = [0x00, 0x00, 0x01, 0x02];
        using var key = ECDsa.Create();
        var d = new byte[32];
        d[^2] = 1;
        d[^1] = 2;
        key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var q = key.ExportParameters(false).Q;

        var pkcs8 = PrivateKeyInfoWriter.WriteEc(EcPrivateKeys.P256Oid, scalar, 32, [0x04, .. q.X!, .. q.Y!]);

        var parts = EcPrivateKeys.ReadPrivateKeyInfo(pkcs8);
        Assert.Equal(d, parts.PrivateScalar.ToArray());
    }

    [Fact]
    public void WriteEc_RefusesAScalarLongerThanTheFieldOrACompressedPoint()
    {
        Assert.Throws<ArgumentException>(() => PrivateKeyInfoWriter.WriteEc(EcPrivateKeys.P256Oid, new byte[33].Append((byte)1).ToArray(), 32, new byte[65]));
        Assert.Throws<ArgumentException>(() => PrivateKeyInfoWriter.WriteEc(EcPrivateKeys.P256Oid, [1], 32, new byte[33]));
        Assert.Throws<ArgumentException>(() => PrivateKeyInfoWriter.WriteRsa([]));
    }

    [Fact]
    public void DerLengths_UseLongFormAbove127Bytes()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(new byte[300]);

        Span<byte> header = stackalloc byte[4];
        var written = DerLengths.WriteHeader(header, 0x04, 300);

        Assert.Equal(writer.Encode()[..written], header[..written].ToArray());
        Assert.Equal(304, DerLengths.Tlv(300));
        Assert.Equal(2 + 127, DerLengths.Tlv(127));
        Assert.Equal(3 + 128, DerLengths.Tlv(128));
    }
}
