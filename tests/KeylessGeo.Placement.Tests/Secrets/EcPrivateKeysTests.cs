using System.Formats.Asn1;
using System.Security.Cryptography;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.Placement.Tests.Secrets;

/// <summary>Reading SEC1 and PKCS#8 EC keys as slices, and importing them through a pinned scalar.</summary>
public sealed class EcPrivateKeysTests
{
    [Fact]
    public void ReadSec1_ThenImport_GivesTheSameKey_AndWritesTheSamePkcs8()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var sec1 = original.ExportECPrivateKey();

        var parts = EcPrivateKeys.ReadSec1(sec1, curveOid: null);
        using var imported = ECDsa.Create();
        EcPrivateKeys.Import(imported, parts);

        Assert.Equal(EcPrivateKeys.P384Oid, parts.CurveOid);
        Assert.Equal(original.ExportSubjectPublicKeyInfo(), imported.ExportSubjectPublicKeyInfo());
        Assert.Equal(original.ExportPkcs8PrivateKey(), EcPrivateKeys.WritePrivateKeyInfo(imported, parts));
        Assert.True(sec1.AsSpan().Overlaps(parts.PrivateScalar.Span), "the scalar must be a slice of the input, not a copy");
    }

    [Fact]
    public void AKeyWithoutItsPublicPoint_IsImported_AndThePointDerived()
    {
        using var original = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var d = original.ExportParameters(true).D!;
        var sec1 = Sec1(d, EcPrivateKeys.P256Oid, point: null);

        using var imported = ECDsa.Create();
        EcPrivateKeys.Import(imported, EcPrivateKeys.ReadSec1(sec1, null));

        Assert.Equal(original.ExportSubjectPublicKeyInfo(), imported.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void APublicPointThatIsNotTheScalars_IsRefused_UncompressedOrCompressed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = other.ExportParameters(false).Q;
        var d = key.ExportParameters(true).D!;
        var wrongParity = key.ExportParameters(false).Q;
        byte[] compressedWrong = [(byte)((wrongParity.Y![^1] & 1) == 0 ? 0x03 : 0x02), .. wrongParity.X!];

        using var target = ECDsa.Create();
        Assert.ThrowsAny<CryptographicException>(() => EcPrivateKeys.Import(target, EcPrivateKeys.ReadSec1(Sec1(d, EcPrivateKeys.P256Oid, [0x04, .. q.X!, .. q.Y!]), null)));
        using var again = ECDsa.Create();
        Assert.ThrowsAny<CryptographicException>(() => EcPrivateKeys.Import(again, EcPrivateKeys.ReadSec1(Sec1(d, EcPrivateKeys.P256Oid, compressedWrong), null)));
    }

    [Fact]
    public void MalformedOrUnsupportedKeys_AreRefusedWithoutKeyBytesInTheMessage()
    {
        var d = RandomNumberGenerator.GetBytes(32);
        d[0] &= 0x7f;
        var message = Assert.ThrowsAny<CryptographicException>(() => EcPrivateKeys.ReadSec1(Sec1(d, EcPrivateKeys.P384Oid, null), EcPrivateKeys.P256Oid)).Message;
        Assert.Contains("names curve 1.3.132.0.34 but its PKCS#8 header names 1.2.840.10045.3.1.7", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(d)[..16], message, StringComparison.OrdinalIgnoreCase);

        using var noCurve = ECDsa.Create();
        Assert.ThrowsAny<CryptographicException>(() => EcPrivateKeys.Import(noCurve, EcPrivateKeys.ReadSec1(Sec1(d, null, null), null)));
        using var zero = ECDsa.Create();
        Assert.ThrowsAny<CryptographicException>(() => EcPrivateKeys.Import(zero, EcPrivateKeys.ReadSec1(Sec1(new byte[32], EcPrivateKeys.P256Oid, null), null)));
        using var rsa = RSA.Create(2048);
        Assert.ThrowsAny<CryptographicException>(() => EcPrivateKeys.ReadPrivateKeyInfo(rsa.ExportPkcs8PrivateKey()));
        Assert.ThrowsAny<AsnContentException>(() => EcPrivateKeys.ReadSec1(new byte[] { 0x30, 0x05, 0x02 }, null));
    }

    [Fact]
    public void GenerateP256_GivesAWorkingKey_AndItsPkcs8()
    {
        using var key = EcPrivateKeys.GenerateP256(out var pkcs8);
        using var reread = ECDiffieHellman.Create();
        reread.ImportPkcs8PrivateKey(pkcs8, out _);

        Assert.Equal(key.ExportSubjectPublicKeyInfo(), reread.ExportSubjectPublicKeyInfo());
        Assert.Equal(key.ExportParameters(true).D, reread.ExportParameters(true).D);
    }

    // ECPrivateKey { 1, d, [0] curve?, [1] point? }
    private static byte[] Sec1(byte[] d, string? curve, byte[]? point)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            writer.WriteOctetString(d);
            if (curve is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteObjectIdentifier(curve);
                }
            }

            if (point is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                {
                    writer.WriteBitString(point);
                }
            }
        }

        return writer.Encode();
    }
}
