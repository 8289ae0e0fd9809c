using KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

namespace KeylessGeo.ControlPlane.Store.Tests.Contract;

public abstract partial class ControlPlaneStoreContract
{
    [Fact]
    public async Task SecondInstance_SeesWhatTheFirstCommitted()
    {
        await CommitAsync(TestRecords.Change() with { UpsertKeys = [TestRecords.Key("k1")] });

        var other = await OpenAsync();

        Assert.Equal(1, await other.GetRevisionAsync(CancellationToken.None));
        RecordAssert.Equal([TestRecords.Key("k1")], (await other.ReadSnapshotAsync(CancellationToken.None)).Keys);
        Assert.Single(await other.ReadAuditAsync(1, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentCommitsFromTwoInstances_ExactlyOneWinsEachRevision()
    {
        var instances = new[] { Store, await OpenAsync() };
        const int Rounds = 10;
        for (var round = 0; round < Rounds; round++)
        {
            var expected = await Store.GetRevisionAsync(CancellationToken.None);
            var attempts = instances.Select((store, i) => Task.Run(() =>
                store.CommitAsync(TestRecords.Change() with { UpsertPolicies = [TestRecords.Policy($"r{round}-i{i}")] }, expected, CancellationToken.None))).ToArray();

            var outcomes = await Task.WhenAll(attempts.Select(async a =>
            {
                try
                {
                    return (Revision: (await a).Revision, Conflict: (StoreConflictException?)null);
                }
                catch (StoreConflictException e)
                {
                    return (Revision: 0L, Conflict: e);
                }
            }));

            Assert.Single(outcomes, o => o.Conflict is null);
            Assert.Equal(expected + 1, outcomes.Single(o => o.Conflict is null).Revision);
            Assert.Equal(expected + 1, outcomes.Single(o => o.Conflict is not null).Conflict!.ActualRevision);
        }

        var snapshot = await Store.ReadSnapshotAsync(CancellationToken.None);
        Assert.Equal(Rounds, snapshot.Revision);
        Assert.Equal(Rounds, snapshot.Policies.Length);
        Assert.Equal(Rounds, (await Store.ReadAuditAsync(1, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task CommitThroughOneInstance_WakesAWaiterOnAnother()
    {
        var other = await OpenAsync();
        var waiting = other.WaitForChangeAsync(0, Bounded());

        await CommitManyAsync(1);

        Assert.Equal(1, await waiting);
        Assert.Single((await other.ReadSnapshotAsync(CancellationToken.None)).Policies);
    }

    [Fact]
    public async Task WaiterOnAnotherInstance_KeepsFollowingLaterCommits()
    {
        var other = await OpenAsync();
        long seen = 0;
        for (var i = 1; i <= 3; i++)
        {
            var waiting = other.WaitForChangeAsync(seen, Bounded());
            await CommitManyAsync(1);
            seen = await waiting;
            Assert.Equal(i, seen);
        }
    }
}
