using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

public abstract partial class ControlPlaneStoreContract
{
    private static readonly TimeSpan LongLease = TimeSpan.FromHours(1);

    [Fact]
    public async Task RenewLease_StampsItWithTheStoreClockAndKeepsEveryOtherField()
    {
        var lease = TestRecords.Lease("ks-1");

        var stored = await Store.RenewLeaseAsync(lease, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.NotEqual(DateTimeOffset.UnixEpoch, stored.RenewedAt);
        Assert.Equal(TimeSpan.FromSeconds(30), stored.ExpiresAt - stored.RenewedAt);
        if (ManualNow is { } now)
        {
            Assert.Equal(now, stored.RenewedAt);
        }

        var live = Assert.Single(await Store.ReadLiveLeasesAsync(CancellationToken.None));
        RecordAssert.Equal(lease with { RenewedAt = stored.RenewedAt, ExpiresAt = stored.ExpiresAt }, live);
        RecordAssert.Equal(stored, live);
    }

    [Fact]
    public async Task RenewLease_Again_ReplacesTheLease()
    {
        var first = await Store.RenewLeaseAsync(TestRecords.Lease("ks-1"), LongLease, CancellationToken.None);
        PassTime(TimeSpan.FromSeconds(10));

        var second = await Store.RenewLeaseAsync(TestRecords.Lease("ks-1", "ams1") with { AppliedRevision = 42 }, LongLease, CancellationToken.None);

        Assert.True(second.ExpiresAt >= first.ExpiresAt);
        var live = Assert.Single(await Store.ReadLiveLeasesAsync(CancellationToken.None));
        Assert.Equal("ams1", live.DatacenterId);
        Assert.Equal(42, live.AppliedRevision);
        Assert.Equal(second.ExpiresAt, live.ExpiresAt);
    }

    [Fact]
    public async Task RenewLease_KeepsTheClusterViewAndReplacesItOnTheNextRenewal()
    {
        await Store.RenewLeaseAsync(TestRecords.Lease("ks-1") with { ClusterMembers = ["ks-1", "ks-2", "ks-3"], ClusterVersion = 4 }, LongLease, CancellationToken.None);
        var first = Assert.Single(await Store.ReadLiveLeasesAsync(CancellationToken.None));
        Assert.Equal("keylessgeo-eu", first.ClusterId);
        Assert.Equal(["ks-1", "ks-2", "ks-3"], first.ClusterMembers.ToArray());
        Assert.Equal(4, first.ClusterVersion);

        await Store.RenewLeaseAsync(TestRecords.Lease("ks-1") with { ClusterMembers = ["ks-1", "ks-3"], ClusterVersion = 5 }, LongLease, CancellationToken.None);

        var second = Assert.Single(await Store.ReadLiveLeasesAsync(CancellationToken.None));
        Assert.Equal("keylessgeo-eu", second.ClusterId);
        Assert.Equal(["ks-1", "ks-3"], second.ClusterMembers.ToArray());
        Assert.Equal(5, second.ClusterVersion);
    }

    [Fact]
    public async Task RenewLease_WithoutAClusterView_ReadsBackEmpty()
    {
        var lease = TestRecords.Lease("ks-standalone") with { ClusterId = "", ClusterMembers = [], ClusterVersion = 0 };

        var stored = await Store.RenewLeaseAsync(lease, LongLease, CancellationToken.None);

        var live = Assert.Single(await Store.ReadLiveLeasesAsync(CancellationToken.None));
        Assert.Equal("", live.ClusterId);
        Assert.Empty(live.ClusterMembers);
        Assert.Equal(0, live.ClusterVersion);
        RecordAssert.Equal(lease with { RenewedAt = stored.RenewedAt, ExpiresAt = stored.ExpiresAt }, live);
    }

    [Fact]
    public async Task RemoveLease_RemovesItAndReportsWhetherThereWasOne()
    {
        await Store.RenewLeaseAsync(TestRecords.Lease("ks-1"), LongLease, CancellationToken.None);

        Assert.True(await Store.RemoveLeaseAsync("ks-1", CancellationToken.None));
        Assert.False(await Store.RemoveLeaseAsync("ks-1", CancellationToken.None));
        Assert.False(await Store.RemoveLeaseAsync("never-registered", CancellationToken.None));
        Assert.Empty(await Store.ReadLiveLeasesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task LiveLeases_AreSortedByKeyserverId()
    {
        foreach (var id in new[] { "ks-b", "KS-C", "ks-a", "ks-10" })
        {
            await Store.RenewLeaseAsync(TestRecords.Lease(id), LongLease, CancellationToken.None);
        }

        var live = await Store.ReadLiveLeasesAsync(CancellationToken.None);

        Assert.Equal(["KS-C", "ks-10", "ks-a", "ks-b"], live.Select(l => l.KeyserverId));
    }

    [Fact]
    public async Task Lease_AfterItsTimeToLive_IsNoLongerLive()
    {
        await Store.RenewLeaseAsync(TestRecords.Lease("ks-long"), LongLease, CancellationToken.None);
        var shortLived = await Store.RenewLeaseAsync(TestRecords.Lease("ks-short"), ShortLeaseTimeToLive, CancellationToken.None);
        Assert.Equal(ShortLeaseTimeToLive, shortLived.ExpiresAt - shortLived.RenewedAt);
        if (ManualNow is not null)
        {
            Assert.Equal(2, (await Store.ReadLiveLeasesAsync(CancellationToken.None)).Count);
        }

        PassTime(ShortLeaseTimeToLive + TimeSpan.FromSeconds(1));

        var live = await Eventually.MatchAsync(
            () => Store.ReadLiveLeasesAsync(CancellationToken.None),
            leases => leases.Count == 1,
            "the short lease expiring");
        Assert.Equal("ks-long", live.Single().KeyserverId);
    }

    [Fact]
    public async Task Leases_AreSharedBetweenInstances()
    {
        var other = await OpenAsync();
        await Store.RenewLeaseAsync(TestRecords.Lease("ks-1"), LongLease, CancellationToken.None);

        Assert.Equal(["ks-1"], (await other.ReadLiveLeasesAsync(CancellationToken.None)).Select(l => l.KeyserverId));
        Assert.True(await other.RemoveLeaseAsync("ks-1", CancellationToken.None));
        Assert.Empty(await Store.ReadLiveLeasesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Leases_NeverChangeTheRevision()
    {
        await Store.RenewLeaseAsync(TestRecords.Lease("ks-1"), LongLease, CancellationToken.None);
        await Store.RemoveLeaseAsync("ks-1", CancellationToken.None);

        Assert.Equal(0, await Store.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Lease_WithAnUnusualKeyserverId_RoundTrips()
    {
        string[] ids = ["../escape", ".", "a/b\\c", "ключ-1", new string('x', 300)];
        foreach (var id in ids)
        {
            await Store.RenewLeaseAsync(TestRecords.Lease(id), LongLease, CancellationToken.None);
        }

        var live = await Store.ReadLiveLeasesAsync(CancellationToken.None);

        Assert.Equal(ids.Order(StringComparer.Ordinal), live.Select(l => l.KeyserverId));
        Assert.True(await Store.RemoveLeaseAsync("../escape", CancellationToken.None));
    }
}
