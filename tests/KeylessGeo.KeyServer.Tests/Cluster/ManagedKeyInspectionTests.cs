using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Keyless.Identifiers;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The build loop's shortcuts read the same facts as the general code they replace: the content
/// digest is the store's (<see cref="ManagedKeyContent"/>), whichever form the record comes in, and
/// an EC public key read by its DER prefix gives the algorithm, size and problem of a full parse,
/// for good records and for records whose recorded SKI or digest is not their public key's.
/// </summary>
public sealed class ManagedKeyInspectionTests
{
    public static TheoryData<string> Curves => new() { "P-256", "P-384", "P-521" };

    [Fact]
    public void TheContentDigest_IsTheStoresDigest_OrComputedFromTheFieldsWhenTheRecordHasNone()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var record = Record(key.ExportSubjectPublicKeyInfo()) with
        {
            CertificatePem = "-----BEGIN CERTIFICATE-----\nMIIB\u00e9\n-----END CERTIFICATE-----\n",
        };
        var digest = ManagedKeyContent.Digest(record);

        Assert.Equal(BitConverter.ToInt64(digest), ManagedKeyEntries.ContentDigestOf(record));
        Assert.Equal(BitConverter.ToInt64(digest), ManagedKeyEntries.ContentDigestOf(ManagedKeyContent.IndexForm(record)));
        Assert.NotEqual(
            ManagedKeyEntries.ContentDigestOf(record), ManagedKeyEntries.ContentDigestOf(record with { WrappedPrivateKey = [.. record.WrappedPrivateKey, 1] }));
    }

    [Fact]
    public void TheSkiCheck_AcceptsTheSha1OfThePublicKey_Only()
    {
        using var digests = new ManagedKeyDigests();
        var key = RandomNumberGenerator.GetBytes(65);
        var ski = SHA1.HashData(key);

        Assert.True(digests.IsSkiOf(key, ski));
        ski[0] ^= 1;
        Assert.False(digests.IsSkiOf(key, ski));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void AnEcKeyReadByItsPrefix_HasTheFactsOfAFullParse(string curveName)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curveName == "P-256" ? "nistP256" : curveName == "P-384" ? "nistP384" : "nistP521"));
        var record = Record(key.ExportSubjectPublicKeyInfo());
        using var digests = new ManagedKeyDigests();

        var fast = ManagedKeyEntries.Inspect(record, digests);
        var full = ManagedKeyEntries.Inspect(record);

        Assert.NotNull(EcPublicKeyPrefixes.Match(record.SubjectPublicKeyInfo));
        Assert.Null(full.Problem);
        Assert.Equal(full, fast);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void AnEcRecordWhoseSkiOrDigestIsNotItsKeys_IsRefusedAsAFullParseRefusesIt(string curveName)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curveName == "P-256" ? "nistP256" : curveName == "P-384" ? "nistP384" : "nistP521"));
        var good = Record(key.ExportSubjectPublicKeyInfo());
        using var digests = new ManagedKeyDigests();
        var wrongSki = good with { Ski = [.. good.Ski.Select(b => (byte)~b)] };
        var withDigest = good with { CertDigest = new byte[32] };

        foreach (var record in new[] { wrongSki, withDigest })
        {
            var fast = ManagedKeyEntries.Inspect(record, digests);
            var full = ManagedKeyEntries.Inspect(record);
            Assert.NotNull(full.Problem);
            Assert.Equal(full, fast);
        }
    }

    [Fact]
    public void KeysThePrefixesDoNotCover_AreParsed_WithTheSameFacts()
    {
        using var rsa = RSA.Create(2048);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var digests = new ManagedKeyDigests();
        var compressed = CompressedP256(p256);
        var truncated = p256.ExportSubjectPublicKeyInfo()[..^1];

        foreach (var spki in new[] { rsa.ExportSubjectPublicKeyInfo(), compressed, truncated })
        {
            var record = Record(spki);
            Assert.Null(EcPublicKeyPrefixes.Match(spki));
            Assert.Equal(ManagedKeyEntries.Inspect(record), ManagedKeyEntries.Inspect(record, digests));
        }

        Assert.Null(ManagedKeyEntries.Inspect(Record(rsa.ExportSubjectPublicKeyInfo()), digests).Problem);
        Assert.NotNull(ManagedKeyEntries.Inspect(Record(compressed), digests).Problem);
    }

    // A P-256 SPKI with the point's prefix byte changed to 0x02 (a compressed point's marker): not the fixed shape.
    private static byte[] CompressedP256(ECDsa key)
    {
        var spki = key.ExportSubjectPublicKeyInfo();
        spki[^65] = 0x02;
        return spki;
    }

    private static ManagedKeyRecord Record(byte[] spki)
    {
        byte[] ski;
        byte[]? certDigest;
        try
        {
            var identity = KeyIdentifiers.FromSubjectPublicKeyInfo(spki);
            (ski, certDigest) = (identity.Ski, identity.CertificateDigest);
        }
        catch (KeyIdentifierException)
        {
            (ski, certDigest) = (new byte[20], null);
        }

        return new ManagedKeyRecord
        {
            KeyId = "k1",
            PolicyId = "p1",
            Version = 1,
            Algorithm = "test",
            SubjectPublicKeyInfo = spki,
            Ski = ski,
            CertDigest = certDigest,
            PolicyKeyGeneration = 1,
            WrappedPrivateKey = [1, 2, 3],
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        };
    }
}
