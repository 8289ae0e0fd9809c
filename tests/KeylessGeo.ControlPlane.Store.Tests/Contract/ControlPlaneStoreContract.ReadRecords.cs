using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

public abstract partial class ControlPlaneStoreContract
{
    [Fact]
    public async Task ReadRecords_ReturnsTheCurrentRecordOfEachIdAskedForAtTheLatestRevision()
    {
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("fra1"), TestRecords.Datacenter("ams1")],
            UpsertWrappingKeys = [TestRecords.WrappingKey("fra1")],
            UpsertPolicies = [TestRecords.Policy("eu"), TestRecords.Policy("us")],
            UpsertKeys = [TestRecords.Key("k1"), TestRecords.Key("k2"), TestRecords.Key("k3")],
        });
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1", version: 2)], DeleteKeys = ["k2"] });

        var records = await Store.ReadRecordsAsync(
            [
                new RecordId(ChangeKind.Key, "k2"), new RecordId(ChangeKind.Key, "k1"), new RecordId(ChangeKind.Key, "nope"),
                new RecordId(ChangeKind.Key, "k1"), new RecordId(ChangeKind.Policy, "eu"), new RecordId(ChangeKind.Datacenter, "fra1"),
                new RecordId(ChangeKind.WrappingKey, "fra1"), new RecordId(ChangeKind.WrappingKey, "ams1"),
            ],
            CancellationToken.None);

        Assert.Equal(2, records.Revision);
        RecordAssert.Equal([TestRecords.Key("k1", version: 2)], records.Keys);
        RecordAssert.Equal([TestRecords.Policy("eu")], records.Policies);
        RecordAssert.Equal([TestRecords.Datacenter("fra1")], records.Datacenters);
        RecordAssert.Equal([TestRecords.WrappingKey("fra1")], records.WrappingKeys);
    }

    [Fact]
    public async Task ReadRecords_ReturnsRecordsSortedById()
    {
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("b"), TestRecords.Key("a"), TestRecords.Key("B"), TestRecords.Key("_")] });

        var records = await Store.ReadRecordsAsync([.. new[] { "b", "_", "a", "B" }.Select(id => new RecordId(ChangeKind.Key, id))], CancellationToken.None);

        Assert.Equal(["B", "_", "a", "b"], records.Keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task ReadRecords_WithNoIds_ReturnsNothingAtTheLatestRevision()
    {
        await CommitManyAsync(2);

        var records = await Store.ReadRecordsAsync([], CancellationToken.None);

        Assert.Equal(2, records.Revision);
        Assert.Equal(0, records.Count);
    }

    [Fact]
    public async Task ReadRecords_OfAnUnknownKind_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadRecordsAsync([new RecordId((ChangeKind)99, "x")], CancellationToken.None));
    }

    [Fact]
    public async Task ReadChangedRecords_AppliedToTheEarlierSnapshot_GivesTheCurrentSnapshot()
    {
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("fra1")],
            UpsertPolicies = [TestRecords.Policy("eu"), TestRecords.Policy("us")],
            UpsertKeys = [TestRecords.Key("k1"), TestRecords.Key("k2")],
        });
        var before = await Store.ReadSnapshotAsync(CancellationToken.None);
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("ams1")],
            UpsertWrappingKeys = [TestRecords.WrappingKey("ams1")],
            UpsertPolicies = [TestRecords.Policy("eu", version: 2)],
            DeleteKeys = ["k1"],
        });
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k3"), TestRecords.Key("k1", version: 3)], DeletePolicies = ["us"] });

        var changed = await Store.ReadChangedRecordsAsync(before.Revision, 100, CancellationToken.None);
        var current = await Store.ReadSnapshotAsync(CancellationToken.None);

        Assert.True(changed.Complete);
        Assert.False(changed.Page.Truncated);
        Assert.Equal(3, changed.Page.LatestRevision);
        Assert.Equal(3, changed.Records.Revision);
        Assert.Equal(RecordAssert.Json(current), RecordAssert.Json(DeltaApplier.Apply(before, changed)));
    }

    [Fact]
    public async Task ReadChangedRecords_WhenNothingChanged_IsCompleteAndEmpty()
    {
        await CommitManyAsync(2);

        var changed = await Store.ReadChangedRecordsAsync(2, 10, CancellationToken.None);

        Assert.True(changed.Complete);
        Assert.Empty(changed.Page.Changes);
        Assert.Equal(2, changed.Records.Revision);
        Assert.Equal(0, changed.Records.Count);
    }

    [Fact]
    public async Task ReadChangedRecords_WhenThePageStopsAtItsMaximum_IsNotComplete()
    {
        await CommitManyAsync(4);

        var cut = await Store.ReadChangedRecordsAsync(1, 2, CancellationToken.None);
        var whole = await Store.ReadChangedRecordsAsync(1, 3, CancellationToken.None);

        Assert.False(cut.Complete);
        Assert.Equal([2L, 3L], cut.Page.Changes.Select(c => c.Revision));
        Assert.Equal(["p1", "p2"], cut.Records.Policies.Select(p => p.Id));
        Assert.Equal(4, cut.Records.Revision);
        Assert.True(whole.Complete);
        Assert.Equal(["p1", "p2", "p3"], whole.Records.Policies.Select(p => p.Id));
    }

    [Fact]
    public async Task ReadChangedRecords_BehindTheRetainedFeed_SaysTruncatedAndIsNotComplete()
    {
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("first")] });
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [.. Enumerable.Range(0, ChangeRetention).Select(i => TestRecords.Policy($"p{i}"))] });

        var behind = await Store.ReadChangedRecordsAsync(0, 100, CancellationToken.None);
        var current = await Store.ReadChangedRecordsAsync(1, 100, CancellationToken.None);

        Assert.True(behind.Page.Truncated);
        Assert.False(behind.Complete);
        Assert.True(current.Complete);
        Assert.Equal(ChangeRetention, current.Records.Policies.Length);
    }

    [Fact]
    public async Task ReadChangedRecords_SeesAnotherInstancesCommits()
    {
        var other = await OpenAsync();
        await CommitAsync(other, TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1")] });

        var changed = await Store.ReadChangedRecordsAsync(0, 10, CancellationToken.None);

        Assert.True(changed.Complete);
        RecordAssert.Equal([TestRecords.Key("k1")], changed.Records.Keys);
    }
}
