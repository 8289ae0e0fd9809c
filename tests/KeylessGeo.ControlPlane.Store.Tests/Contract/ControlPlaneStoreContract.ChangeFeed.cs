using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

public abstract partial class ControlPlaneStoreContract
{
    [Fact]
    public async Task ChangeFeed_ReportsEveryTouchedRecordOldestFirst()
    {
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("fra1")],
            UpsertWrappingKeys = [TestRecords.WrappingKey("fra1")],
            UpsertPolicies = [TestRecords.Policy("eu")],
            UpsertKeys = [TestRecords.Key("k1")],
        });
        await CommitAsync(TestRecords.Change() with
        {
            ReplaceTopology = [TestRecords.Datacenter("ams1")],
            DeleteWrappingKeys = ["fra1", "unknown"],
            DeleteKeys = ["k1"],
        });

        var page = await Store.ReadChangesAsync(0, 100, CancellationToken.None);

        Assert.Equal(2, page.LatestRevision);
        Assert.False(page.Truncated);
        Assert.Equal(
            [
                new ChangeRecord(1, ChangeKind.Datacenter, "fra1", false),
                new ChangeRecord(1, ChangeKind.WrappingKey, "fra1", false),
                new ChangeRecord(1, ChangeKind.Policy, "eu", false),
                new ChangeRecord(1, ChangeKind.Key, "k1", false),
                new ChangeRecord(2, ChangeKind.Datacenter, "fra1", true),
                new ChangeRecord(2, ChangeKind.Datacenter, "ams1", false),
                new ChangeRecord(2, ChangeKind.WrappingKey, "fra1", true),
                new ChangeRecord(2, ChangeKind.Key, "k1", true),
            ],
            page.Changes);
    }

    [Fact]
    public async Task ChangeFeed_ReturnsOnlyChangesAfterTheRevisionAtMostMaxCount()
    {
        await CommitManyAsync(5);

        var page = await Store.ReadChangesAsync(2, 2, CancellationToken.None);

        Assert.Equal([3L, 4L], page.Changes.Select(c => c.Revision));
        Assert.Equal(5, page.LatestRevision);
        Assert.False(page.Truncated);
        Assert.Empty((await Store.ReadChangesAsync(5, 10, CancellationToken.None)).Changes);
    }

    [Fact]
    public async Task ChangeFeed_OnceRetentionDropsARevision_SaysTruncatedToReadersBehindIt()
    {
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("first")] });
        var many = Enumerable.Range(0, ChangeRetention).Select(i => TestRecords.Policy($"p{i}")).ToArray();
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [.. many] });

        var behind = await Store.ReadChangesAsync(0, 100, CancellationToken.None);
        var current = await Store.ReadChangesAsync(1, 100, CancellationToken.None);

        Assert.True(behind.Truncated);
        Assert.False(current.Truncated);
        Assert.Equal(ChangeRetention, current.Changes.Count);
        Assert.All(current.Changes, c => Assert.Equal(2, c.Revision));
    }

    [Fact]
    public async Task ChangeFeed_DropsOldRevisionsWhole()
    {
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy("a"), TestRecords.Policy("b"), TestRecords.Policy("c")] });
        await CommitAsync(TestRecords.Change() with { UpsertPolicies = [.. Enumerable.Range(0, ChangeRetention - 1).Select(i => TestRecords.Policy($"p{i}"))] });

        var page = await Store.ReadChangesAsync(0, 100, CancellationToken.None);

        Assert.True(page.Truncated);
        Assert.DoesNotContain(page.Changes, c => c.Revision == 1);
    }

    [Fact]
    public async Task WaitForChange_WhenTheStoreIsAlreadyNewer_CompletesAtOnce()
    {
        await CommitManyAsync(2);

        var revision = await Store.WaitForChangeAsync(0, Bounded());

        Assert.Equal(2, revision);
    }

    [Fact]
    public async Task WaitForChange_CompletesWhenALaterCommitLands()
    {
        await CommitManyAsync(1);
        var waiting = Store.WaitForChangeAsync(1, Bounded());
        Assert.False(waiting.IsCompleted);

        await CommitManyAsync(1);

        Assert.Equal(2, await waiting);
    }

    [Fact]
    public async Task WaitForChange_IsCancellable()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = Store.WaitForChangeAsync(0, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
