using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

/// <summary>
/// What a keyserver's key index reads: recorded IP addresses, the store-maintained content digest
/// (the same on every read path, changed by any bulky field), and key index pages, which are the
/// full pages less what they may leave out.
/// </summary>
public abstract partial class ControlPlaneStoreContract
{
    private static readonly byte[] Ipv4 = [192, 0, 2, 7];
    private static readonly byte[] Ipv6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42];

    [Fact]
    public async Task IpAddresses_RoundTrip_RecordedNoneAndNotRecordedAlike()
    {
        await CommitAsync(TestRecords.Change() with
        {
            UpsertKeys =
            [
                TestRecords.Key("some") with { IpAddresses = [Ipv4, Ipv6] },
                TestRecords.Key("none") with { IpAddresses = [] },
                TestRecords.Key("unrecorded") with { IpAddresses = null },
            ],
        });

        foreach (var (path, keys) in await EveryReadPathAsync(["some", "none", "unrecorded"]))
        {
            var byId = keys.ToDictionary(k => k.KeyId);
            Assert.True(byId["some"].IpAddresses is { } some && some.Length == 2 && some[0].SequenceEqual(Ipv4) && some[1].SequenceEqual(Ipv6), path);
            Assert.True(byId["none"].IpAddresses is { IsEmpty: true }, path);
            Assert.True(byId["unrecorded"].IpAddresses is null, path);
        }
    }

    [Fact]
    public async Task ContentDigest_IsTheStoresOwn_AndTheSameOnEveryReadPath()
    {
        var key = TestRecords.Key("k1") with { IpAddresses = [Ipv4] };

        // Whatever the writer claims, the store computes the digest of what it writes.
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [key with { ContentDigest = new byte[ManagedKeyContent.DigestLength] }] });

        var expected = ManagedKeyContent.Digest(key);
        foreach (var (path, keys) in await EveryReadPathAsync(["k1"]))
        {
            var read = Assert.Single(keys);
            Assert.True(read.ContentDigest is { } digest && digest.SequenceEqual(expected), $"{path}: {Hex(read.ContentDigest)}, expected {Convert.ToHexString(expected)}");
        }
    }

    [Fact]
    public async Task ContentDigest_ChangesWithEachBulkyField_AndOnlyWithThem()
    {
        var key = TestRecords.Key("k1");
        var variants = new (string Change, ManagedKeyRecord Record)[]
        {
            ("original", key),
            ("another wrapped key, same version", key with { WrappedPrivateKey = TestRecords.Bytes(300, seed: 60) }),
            ("another public key", key with { SubjectPublicKeyInfo = TestRecords.Bytes(91, seed: 30) }),
            ("another certificate", key with { CertificatePem = key.CertificatePem + "\n" }),
            ("no certificate", key with { CertificatePem = null }),
            ("an empty certificate", key with { CertificatePem = "" }),
        };

        var digests = new List<string>();
        foreach (var (change, record) in variants)
        {
            await CommitAsync(TestRecords.Change() with { UpsertKeys = [record] });
            var page = await Store.ReadKeyIndexPageAsync(null, 10, CancellationToken.None);
            digests.Add(Hex(Assert.Single(page.Keys).ContentDigest) + " " + change);
        }

        Assert.Equal(variants.Length, digests.Select(d => d[..(ManagedKeyContent.DigestLength * 2)]).Distinct().Count());

        // The other fields are compared as they are: they do not count.
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [key with { Version = 9, HostNames = ["other.example"], IpAddresses = [Ipv6] }] });
        var again = Assert.Single((await Store.ReadKeyIndexPageAsync(null, 10, CancellationToken.None)).Keys);
        Assert.StartsWith(Hex(again.ContentDigest), digests[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyIndexPages_AreTheFullPagesLessTheBulkyFields_AtTheSameRevisionsAndPaging()
    {
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("fra1")],
            UpsertWrappingKeys = [TestRecords.WrappingKey("fra1")],
            UpsertPolicies = [TestRecords.Policy("eu")],
            UpsertKeys =
            [
                .. new[] { "b", "_", "a", "B", "a.1" }.Select(id => TestRecords.Key(id, policyId: "eu") with { IpAddresses = [Ipv4] }),
                TestRecords.Key("old", policyId: "eu") with { IpAddresses = null },
                TestRecords.Key("bare", policyId: "eu") with { CertificatePem = null, IpAddresses = [] },
            ],
        });

        var full = await ReadAllPagesAsync((after, size) => Store.ReadSnapshotPageAsync(after, size, CancellationToken.None));
        var index = await ReadAllPagesAsync((after, size) => Store.ReadKeyIndexPageAsync(after, size, CancellationToken.None));

        Assert.Equal(full.Select(p => (p.Revision, p.More, p.LastKeyId, p.Keys.Length)), index.Select(p => (p.Revision, p.More, p.LastKeyId, p.Keys.Length)));
        Assert.Equal(full[0].KeyCountHint, index[0].KeyCountHint);
        RecordAssert.Equal(full[0].Datacenters, index[0].Datacenters);
        RecordAssert.Equal(full[0].WrappingKeys, index[0].WrappingKeys);
        RecordAssert.Equal(full[0].Policies, index[0].Policies);
        foreach (var (whole, slim) in full.SelectMany(p => p.Keys).Zip(index.SelectMany(p => p.Keys)))
        {
            RecordAssert.Equal(WithoutBulkyFields(whole), WithoutBulkyFields(slim));
            Assert.Equal(Hex(whole.ContentDigest), Hex(slim.ContentDigest));

            // What a page carries of a bulky field is the field itself; a key without recorded
            // addresses keeps its certificate, which its reader needs to learn them.
            Assert.True(slim.WrappedPrivateKey.Length == 0 || slim.WrappedPrivateKey.SequenceEqual(whole.WrappedPrivateKey), whole.KeyId);
            Assert.True(slim.CertificatePem is null || slim.CertificatePem == whole.CertificatePem, whole.KeyId);
            if (whole.IpAddresses is null)
            {
                Assert.Equal(whole.CertificatePem, slim.CertificatePem);
            }
        }
    }

    [Fact]
    public async Task KeyIndexPage_WithNoRoomForKeys_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadKeyIndexPageAsync(null, 0, CancellationToken.None));
    }

    /// <summary>A record as a key index page may give it: the bulky fields left out.</summary>
    protected static ManagedKeyRecord WithoutBulkyFields(ManagedKeyRecord record) => record with { WrappedPrivateKey = [], CertificatePem = null };

    private static string Hex(byte[]? bytes) => bytes is null ? "null" : Convert.ToHexString(bytes);

    // The keys of ids as each read path gives them (the change feed's delta after revision 0 included).
    private async Task<List<(string Path, ImmutableArray<ManagedKeyRecord> Keys)>> EveryReadPathAsync(string[] ids)
    {
        bool Wanted(ManagedKeyRecord k) => ids.Contains(k.KeyId);
        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        var records = await Store.ReadRecordsAsync([.. ids.Select(id => new RecordId(ChangeKind.Key, id))], CancellationToken.None);
        var changed = await Store.ReadChangedRecordsAsync(0, 100, CancellationToken.None);
        var page = await Store.ReadSnapshotPageAsync(null, 100, CancellationToken.None);
        var indexPage = await Store.ReadKeyIndexPageAsync(null, 100, CancellationToken.None);
        var other = await OpenAsync();
        var otherIndexPage = await other.ReadKeyIndexPageAsync(null, 100, CancellationToken.None);
        return
        [
            ("snapshot", [.. snapshot.Keys.Where(Wanted)]),
            ("records by id", [.. records.Keys.Where(Wanted)]),
            ("changed records", [.. changed.Records.Keys.Where(Wanted)]),
            ("snapshot page", [.. page.Keys.Where(Wanted)]),
            ("key index page", [.. indexPage.Keys.Where(Wanted)]),
            ("another instance's key index page", [.. otherIndexPage.Keys.Where(Wanted)]),
        ];
    }

    private static async Task<List<SnapshotPage>> ReadAllPagesAsync(Func<string?, int, Task<SnapshotPage>> read)
    {
        var pages = new List<SnapshotPage>();
        string? after = null;
        do
        {
            pages.Add(await read(after, 2));
            after = pages[^1].LastKeyId;
        }
        while (pages[^1].More);

        return pages;
    }
}
