using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

public abstract partial class ControlPlaneStoreContract
{
    [Fact]
    public async Task NewStore_IsEmptyAtRevisionZero()
    {
        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(0, snapshot.Revision);
        Assert.Empty(snapshot.Datacenters);
        Assert.Empty(snapshot.WrappingKeys);
        Assert.Empty(snapshot.Policies);
        Assert.Empty(snapshot.Keys);
        Assert.Equal(0, await Store.GetRevisionAsync(CancellationToken.None));
        var page = await Store.ReadChangesAsync(0, 10, CancellationToken.None);
        Assert.Empty(page.Changes);
        Assert.False(page.Truncated);
        Assert.Empty(await Store.ReadAuditAsync(1, 10, CancellationToken.None));
        Assert.Empty(await Store.ReadLiveLeasesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Commit_AddsItsRecordsToTheSnapshotAtTheNextRevision()
    {
        var result = await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("fra1"), TestRecords.Datacenter("ams1")],
            UpsertWrappingKeys = [TestRecords.WrappingKey("fra1")],
            UpsertPolicies = [TestRecords.Policy("eu-only")],
            UpsertKeys = [TestRecords.Key("k1")],
        });

        Assert.Equal(1, result.Revision);
        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(1, snapshot.Revision);
        RecordAssert.Equal([TestRecords.Datacenter("ams1"), TestRecords.Datacenter("fra1")], snapshot.Datacenters);
        RecordAssert.Equal([TestRecords.WrappingKey("fra1")], snapshot.WrappingKeys);
        RecordAssert.Equal([TestRecords.Policy("eu-only")], snapshot.Policies);
        RecordAssert.Equal([TestRecords.Key("k1")], snapshot.Keys);
    }

    [Fact]
    public async Task Commit_WithAnExistingId_ReplacesTheRecord()
    {
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("eu-only", 1)], UpsertKeys = [TestRecords.Key("k1", 1)] });
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("eu-only", 2)], UpsertKeys = [TestRecords.Key("k1", 2)] });

        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        RecordAssert.Equal([TestRecords.Policy("eu-only", 2)], snapshot.Policies);
        RecordAssert.Equal([TestRecords.Key("k1", 2)], snapshot.Keys);
    }

    [Fact]
    public async Task Commit_WithDeletes_RemovesTheRecordsAndIgnoresUnknownIds()
    {
        await CommitAsync(TestRecords.Change() with
        {
            UpsertWrappingKeys = [TestRecords.WrappingKey("fra1"), TestRecords.WrappingKey("ams1")],
            UpsertPolicies = [TestRecords.Policy("a"), TestRecords.Policy("b")],
            UpsertKeys = [TestRecords.Key("k1"), TestRecords.Key("k2")],
        });

        await CommitAsync(TestRecords.Change() with
        {
            DeleteWrappingKeys = ["fra1", "nowhere"],
            DeletePolicies = ["a"],
            DeleteKeys = ["k2", "missing"],
        });

        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(["ams1"], snapshot.WrappingKeys.Select(w => w.DatacenterId));
        Assert.Equal(["b"], snapshot.Policies.Select(p => p.Id));
        Assert.Equal(["k1"], snapshot.Keys.Select(k => k.KeyId));
        Assert.Null(snapshot.FindKey("k2"));
    }

    [Fact]
    public async Task ReplaceTopology_RemovesDatacentersThatAreNotListed()
    {
        await CommitAsync(TestRecords.Change() with { ReplaceTopology = [TestRecords.Datacenter("fra1"), TestRecords.Datacenter("ams1")] });
        await CommitAsync(TestRecords.Change() with { ReplaceTopology = [TestRecords.Datacenter("ams1", "NL"), TestRecords.Datacenter("sin1", "APAC")] });

        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        RecordAssert.Equal([TestRecords.Datacenter("ams1", "NL"), TestRecords.Datacenter("sin1", "APAC")], snapshot.Datacenters);
    }

    [Fact]
    public async Task Commit_WithoutReplaceTopology_LeavesTheTopologyAlone()
    {
        await CommitAsync(TestRecords.Change() with { ReplaceTopology = [TestRecords.Datacenter("fra1")] });
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1")] });

        Assert.Equal(["fra1"], (await Store.ReadSnapshotAsync(CancellationToken.None)).Datacenters.Select(d => d.Id));
    }

    [Fact]
    public async Task Commit_AtAStaleRevision_ThrowsConflictAndChangesNothing()
    {
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("a")] });
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("b")] });

        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() =>
            Store.CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("c")], DeletePolicies = ["a"] }, 1, CancellationToken.None));

        Assert.Equal(1, conflict.ExpectedRevision);
        Assert.Equal(2, conflict.ActualRevision);
        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(2, snapshot.Revision);
        Assert.Equal(["a", "b"], snapshot.Policies.Select(p => p.Id));
        Assert.Equal(2, (await Store.ReadAuditAsync(1, 100, CancellationToken.None)).Count);
        Assert.All((await Store.ReadChangesAsync(0, 100, CancellationToken.None)).Changes, c => Assert.True(c.Revision <= 2));
    }

    [Fact]
    public async Task Revisions_IncreaseByOnePerCommit()
    {
        for (long expected = 1; expected <= 5; expected++)
        {
            var result = await Store.CommitAsync(TestRecords.Change(), expected - 1, CancellationToken.None);
            Assert.Equal(expected, result.Revision);
            Assert.Equal(expected, await Store.GetRevisionAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Snapshot_ListsEveryCollectionSortedByOrdinalId()
    {
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("b"), TestRecords.Datacenter("B"), TestRecords.Datacenter("a")],
            UpsertKeys = [TestRecords.Key("key-2"), TestRecords.Key("Key-1"), TestRecords.Key("key-10")],
            UpsertPolicies = [TestRecords.Policy("z"), TestRecords.Policy("_"), TestRecords.Policy("a")],
        });

        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(["B", "a", "b"], snapshot.Datacenters.Select(d => d.Id));
        Assert.Equal(["Key-1", "key-10", "key-2"], snapshot.Keys.Select(k => k.KeyId));
        Assert.Equal(["_", "a", "z"], snapshot.Policies.Select(p => p.Id));
    }

    [Fact]
    public async Task RecordFields_RoundTripExactly()
    {
        var key = TestRecords.Key("k1") with
        {
            SubjectPublicKeyInfo = TestRecords.Bytes(256, seed: 0),
            CertDigest = null,
            CertificatePem = null,
            HostNames = [],
            WrappedPrivateKey = [],
        };
        var policy = TestRecords.Policy("p") with { PermittedDatacenters = ["z", "a", "m"], Author = "", Comment = "line 1\nline \"2\"\t\u0001" };
        var datacenter = TestRecords.Datacenter("fra1") with { Labels = ["b", "a", "b"] };
        await CommitAsync(TestRecords.Change() with { ReplaceTopology = [datacenter], UpsertPolicies = [policy], UpsertKeys = [key, TestRecords.Key("k2")] });

        var snapshot = await (await OpenAsync()).ReadSnapshotAsync(CancellationToken.None);
        RecordAssert.Equal(key, snapshot.FindKey("k1"));
        RecordAssert.Equal(TestRecords.Key("k2"), snapshot.FindKey("k2"));
        RecordAssert.Equal(policy, snapshot.FindPolicy("p"));
        RecordAssert.Equal(datacenter, snapshot.FindDatacenter("fra1"));
        Assert.Equal(TestRecords.Bytes(256, seed: 0), snapshot.FindKey("k1")!.SubjectPublicKeyInfo);
        Assert.Empty(snapshot.FindKey("k1")!.WrappedPrivateKey);
    }

    [Fact]
    public async Task Timestamps_WithAnOffset_ComeBackAsTheSameInstant()
    {
        var local = new DateTimeOffset(2026, 5, 6, 7, 8, 9, 345, TimeSpan.FromHours(2));
        await CommitAsync(TestRecords.Change() with { UpsertWrappingKeys = [TestRecords.WrappingKey("fra1") with { RegisteredAt = local }] });

        var stored = (await (await OpenAsync()).ReadSnapshotAsync(CancellationToken.None)).FindWrappingKey("fra1");
        Assert.Equal(local.UtcDateTime, stored!.RegisteredAt.UtcDateTime);
    }

    [Fact]
    public async Task Snapshot_FindsRecordsById()
    {
        await CommitAsync(TestRecords.Change() with { UpsertWrappingKeys = [TestRecords.WrappingKey("fra1")] });

        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        Assert.IsType<WrappingKeyRecord>(snapshot.FindWrappingKey("fra1"));
        Assert.Null(snapshot.FindWrappingKey("FRA1"));
    }
}
