using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.ControlPlane.Topology;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.ControlPlane.Tests.State;

/// <summary>
/// The control plane's own follower applies change pages and ends where a fresh read of the whole
/// store ends; it reads a snapshot again only when the deltas cannot get it there.
/// </summary>
public sealed class StateFollowerTests : IAsyncDisposable
{
    private readonly List<ServiceHarness> _harnesses = [];

    [Fact]
    public async Task ASequenceOfChanges_AppliedAsPages_ConvergesToTheStateAFreshSnapshotGives()
    {
        var harness = await StartAsync();
        // Pages of two records: every multi-record commit below is cut and read on (or grown).
        var follower = new StateFollower(harness.Store, NullLogger.Instance, pageSize: 2);
        await follower.CurrentAsync(CancellationToken.None);
        var steps = ChangeSequence(harness);
        var applied = 0;
        foreach (var step in steps)
        {
            await step();
            // Catch up after most steps, and after several commits at once at the others.
            if (++applied % 3 != 0)
            {
                await AssertConvergedAsync(harness, follower);
            }
        }

        await AssertConvergedAsync(harness, follower);
        Assert.Equal(1, follower.Resyncs);
    }

    [Fact]
    public async Task AFollowerBehindTheRetainedFeed_ResyncsFromASnapshot_AndConverges()
    {
        var harness = await StartAsync(changeRetention: 6);
        // Snapshot pages of one key: the re-sync reads every key on a page of its own.
        var follower = new StateFollower(harness.Store, NullLogger.Instance, snapshotPageSize: 1);
        await follower.CurrentAsync(CancellationToken.None);

        // Far more change records than the store keeps.
        foreach (var step in ChangeSequence(harness))
        {
            await step();
        }

        await AssertConvergedAsync(harness, follower);
        Assert.Equal(2, follower.Resyncs);

        // From there on, deltas again.
        await harness.ImportAsync("late", "eu", TestKeys.EcP256Pkcs8());
        await AssertConvergedAsync(harness, follower);
        Assert.Equal(2, follower.Resyncs);
    }

    [Fact]
    public async Task AStoreThatWentBackToAnOlderRevision_IsReadFromASnapshot()
    {
        var older = await StartAsync();
        await older.CreatePolicyAsync("na", "region: NA");
        var newer = await StartAsync();
        foreach (var step in ChangeSequence(newer))
        {
            await step();
        }

        var store = new CountingStore(newer.Store);
        var follower = new StateFollower(store, NullLogger.Instance);
        await follower.CurrentAsync(CancellationToken.None);

        store.Inner = older.Store;
        var restored = await follower.CurrentAsync(CancellationToken.None);

        Assert.Equal(2, follower.Resyncs);
        Assert.Equal(0, store.Snapshots);
        Assert.Equal(StateDescription.Of(await FreshAsync(older)), StateDescription.Of(restored));
    }

    [Fact]
    public async Task WithNothingNew_ACatchUpReadsOnePageAndNoRecords()
    {
        var harness = await StartAsync();
        await harness.CreatePolicyAsync("eu", "region: EU");
        var store = new CountingStore(harness.Store);
        var follower = new StateFollower(store, NullLogger.Instance);
        var first = await follower.CurrentAsync(CancellationToken.None);
        store.Reset();

        var again = await follower.CurrentAsync(CancellationToken.None);

        Assert.Same(first, again);
        Assert.Equal(0, store.Snapshots);
        Assert.Equal(1, store.ChangePages);
        Assert.Equal(0, store.ChangePageRecords);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var harness in _harnesses)
        {
            await harness.DisposeAsync();
        }
    }

    /// <summary>What the control plane's operations commit, one change after another, every kind of record touched, added and removed.</summary>
    private static List<Func<Task>> ChangeSequence(ServiceHarness harness)
    {
        var ct = CancellationToken.None;
        var actor = ServiceHarness.Actor;
        return
        [
            () => harness.CreatePolicyAsync("eu", "region: EU"),
            () => harness.CreatePolicyAsync("na", "region: NA"),
            () => harness.CreatePolicyAsync("de", "country: DE"),
            () => harness.ImportAsync("shop", "eu", TestKeys.EcP256Pkcs8()),
            () => harness.ImportAsync("blog", "eu", TestKeys.EcP256Pkcs8()),
            () => harness.ImportAsync("mail", "na", TestKeys.EcP256Pkcs8()),
            () => harness.ImportAsync("api", "de", TestKeys.EcP256Pkcs8()),
            async () =>
            {
                using var material = TestKeys.Material(TestKeys.EcP256Pkcs8());
                await harness.Services.Keys.RotateAsync(actor, new RotateKeyRequest { KeyId = "shop", PrivateKey = material }, ct);
            },
            () => harness.Services.Keys.AttachAsync(actor, "blog", "na", ct),
            () => harness.Services.Keys.RemoveAsync(actor, "mail", ct),
            () => harness.UpdatePolicyAsync("eu", "region: EU and not country: FR"),
            () => harness.Services.PolicyKeys.RotateKeyAsync(actor, "na", ct),
            () => harness.Services.Topology.ReplaceAsync(actor, TopologyReplacement.FromJson(
                TestTopology.Json.Replace("\"tier\": \"standard\" }", "\"tier\": \"standard\", \"labels\": [\"new\"] }", StringComparison.Ordinal)), ct),
            () => harness.Services.Keys.RemoveAsync(actor, "api", ct),
            () => harness.Services.PolicyKeys.DeleteAsync(actor, "de", ct),
            () => harness.ImportAsync("mail", "eu", TestKeys.EcP256Pkcs8()),
        ];
    }

    private static async Task AssertConvergedAsync(ServiceHarness harness, StateFollower follower)
    {
        var followed = await follower.CurrentAsync(CancellationToken.None);
        var fresh = await FreshAsync(harness);
        Assert.Equal(StateDescription.Of(fresh), StateDescription.Of(followed));
    }

    /// <summary>The state a fresh read of the whole store gives now.</summary>
    private static Task<ControlPlaneState> FreshAsync(ServiceHarness harness) => FreshState.ReadAsync(harness.Store);

    private async Task<ServiceHarness> StartAsync(int changeRetention = InMemoryControlPlaneStore.ChangeRetention)
    {
        var harness = new ServiceHarness(changeRetention: changeRetention);
        _harnesses.Add(harness);
        await harness.SetUpAsync();
        return harness;
    }
}
