using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

public abstract partial class ControlPlaneStoreContract
{
    [Fact]
    public async Task ReadSnapshotPage_PagedThroughAtOneRevision_GivesTheWholeSnapshot()
    {
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("fra1"), TestRecords.Datacenter("ams1")],
            UpsertWrappingKeys = [TestRecords.WrappingKey("fra1")],
            UpsertPolicies = [TestRecords.Policy("eu"), TestRecords.Policy("us")],
            UpsertKeys = [.. new[] { "b", "_", "a", "B", "a.1", "a-1", "Z9", "0" }.Select(id => TestRecords.Key(id, policyId: "eu"))],
        });
        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);

        var pages = new List<SnapshotPage>();
        string? after = null;
        do
        {
            pages.Add(await Store.ReadSnapshotPageAsync(after, 3, CancellationToken.None));
            after = pages[^1].LastKeyId;
        }
        while (pages[^1].More);

        Assert.All(pages, p => Assert.Equal(snapshot.Revision, p.Revision));
        Assert.All(pages, p => Assert.InRange(p.Keys.Length, 1, 3));
        Assert.Equal(snapshot.Keys.Select(k => k.KeyId), pages.SelectMany(p => p.Keys).Select(k => k.KeyId));
        RecordAssert.Equal(snapshot.Keys, pages.SelectMany(p => p.Keys));
        RecordAssert.Equal(snapshot.Datacenters, pages[0].Datacenters);
        RecordAssert.Equal(snapshot.WrappingKeys, pages[0].WrappingKeys);
        RecordAssert.Equal(snapshot.Policies, pages[0].Policies);
        Assert.All(pages.Skip(1), p => Assert.True(p.Policies.IsEmpty && p.Datacenters.IsEmpty && p.WrappingKeys.IsEmpty));
    }

    [Fact]
    public async Task ReadSnapshotPage_TheFirstPageHintsAtTheKeyCount_LaterPagesDoNot()
    {
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [.. Enumerable.Range(0, 7).Select(i => TestRecords.Key($"k{i}"))] });

        var first = await Store.ReadSnapshotPageAsync(null, 3, CancellationToken.None);
        var second = await Store.ReadSnapshotPageAsync(first.LastKeyId, 3, CancellationToken.None);
        var whole = await Store.ReadSnapshotPageAsync(null, 10, CancellationToken.None);

        // A hint (PostgreSQL's is the planner's estimate), never fewer than the page holds; exact when one page holds every key.
        Assert.InRange(first.KeyCountHint, first.Keys.Length, long.MaxValue);
        Assert.Equal(0, second.KeyCountHint);
        Assert.Equal(7, whole.KeyCountHint);
        Assert.False(whole.More);
    }

    [Fact]
    public async Task ReadSnapshotPage_AfterTheLastKey_IsEmptyWithNoMore()
    {
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1"), TestRecords.Key("k2")] });

        var exact = await Store.ReadSnapshotPageAsync(null, 2, CancellationToken.None);
        var after = await Store.ReadSnapshotPageAsync("k2", 2, CancellationToken.None);
        var between = await Store.ReadSnapshotPageAsync("k1.", 10, CancellationToken.None);

        Assert.False(exact.More);
        Assert.Equal(["k1", "k2"], exact.Keys.Select(k => k.KeyId));
        Assert.Empty(after.Keys);
        Assert.False(after.More);
        Assert.Null(after.LastKeyId);
        Assert.Equal(["k2"], between.Keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task ReadSnapshotPage_OfAnEmptyStore_IsAnEmptyFirstPage()
    {
        var page = await Store.ReadSnapshotPageAsync(null, 5, CancellationToken.None);

        Assert.Equal(0, page.Revision);
        Assert.Empty(page.Keys);
        Assert.Empty(page.Policies);
        Assert.False(page.More);
    }

    [Fact]
    public async Task ReadSnapshotPage_ReadsEachPageAtTheLatestRevision()
    {
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1"), TestRecords.Key("k2"), TestRecords.Key("k3")] });
        var first = await Store.ReadSnapshotPageAsync(null, 1, CancellationToken.None);
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k2", version: 2), TestRecords.Key("k0")], DeleteKeys = ["k3"] });

        var second = await Store.ReadSnapshotPageAsync(first.LastKeyId, 5, CancellationToken.None);

        Assert.Equal(1, first.Revision);
        Assert.Equal(2, second.Revision);
        Assert.Equal(["k1"], first.Keys.Select(k => k.KeyId));
        RecordAssert.Equal([TestRecords.Key("k2", version: 2)], second.Keys);
        Assert.False(second.More);
    }

    [Fact]
    public async Task ReadSnapshotPage_WithNoRoomForKeys_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadSnapshotPageAsync(null, 0, CancellationToken.None));
    }
}
