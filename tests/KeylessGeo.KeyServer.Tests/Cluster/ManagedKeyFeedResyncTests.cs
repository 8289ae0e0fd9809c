using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.InMemory;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// When the change feed reads the store without a notification (the resync timer) and when it
/// falls back from deltas to a whole snapshot: more changes waiting than one page holds, and a
/// store that went back to an older revision (restored from a backup).
/// </summary>
public sealed class ManagedKeyFeedResyncTests : IAsyncLifetime
{
    private static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(30);
    private readonly TestClock _clock = new();
    private readonly List<ECDsa> _keys = [];
    private InMemoryControlPlaneStore _store = null!;
    private FlakyControlPlaneStore _flaky = null!;
    private StoreSeeder _seeder = null!;
    private ClusterHarness? _fra1;

    public async Task InitializeAsync()
    {
        _store = new InMemoryControlPlaneStore(_clock);
        _flaky = new FlakyControlPlaneStore(_store);
        _seeder = new StoreSeeder(_store, _clock);
        await _seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
    }

    public async Task DisposeAsync()
    {
        if (_fra1 is not null)
        {
            await _fra1.DisposeAsync();
        }

        _seeder.Dispose();
        await _flaky.DisposeAsync();
        _keys.ForEach(k => k.Dispose());
    }

    [Fact]
    public async Task LostNotifications_TheResyncTimerAppliesTheChangeAsADelta()
    {
        _flaky.Deaf = true;
        var fra1 = await StartAsync();
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");

        var revision = await _seeder.ImportKeyAsync("k1", "eu-only", NewKey());
        await AdvanceUntilAppliedAsync(fra1, revision, ResyncInterval);

        Assert.True(fra1.Keys.TryGetById("k1", out _));
        Assert.Contains(fra1.Logs.Entries, e => e.EventId.Name == "DeltaApplied" && e.Message.Contains($"to {revision}", StringComparison.Ordinal));
        Assert.DoesNotContain(fra1.Logs.Entries, e => e.EventId.Name == "FeedResync");
    }

    [Fact]
    public async Task MoreChangesWaitingThanOnePage_AreAppliedFromASnapshot()
    {
        var fra1 = await StartAsync(new Dictionary<string, string?> { ["Cluster:FeedPageSize"] = "2" });
        await fra1.WhenAppliedAsync(await _seeder.CreatePolicyAsync("eu-only", "region: EU"));

        var revision = await _seeder.ImportKeysAsync("eu-only", [("k1", NewKey()), ("k2", NewKey()), ("k3", NewKey())]);
        await fra1.WhenAppliedAsync(revision);

        var resync = await fra1.Logs.WhenLoggedAsync("FeedResync");
        Assert.Equal(LogLevel.Warning, resync.Level);
        Assert.Contains("more than 2 change records (Cluster:FeedPageSize)", resync.Message, StringComparison.Ordinal);
        Assert.Equal(3, fra1.State.Counts.Servable);
    }

    [Fact]
    public async Task AStoreRestoredToAnOlderRevision_IsAppliedFromItsSnapshot()
    {
        var fra1 = await StartAsync();
        await fra1.WhenAppliedAsync(await _seeder.CreatePolicyAsync("eu-only", "region: EU"));
        await _seeder.ImportKeyAsync("kept", "eu-only", NewKey());
        await fra1.WhenAppliedAsync(await _seeder.ImportKeyAsync("lost", "eu-only", NewKey()));
        var restored = new InMemoryControlPlaneStore(_clock);
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        await restored.CommitAsync(
            new() { Audit = new("operator@test", "restore", "store", "{}"), ReplaceTopology = snapshot.Datacenters, UpsertWrappingKeys = snapshot.WrappingKeys, UpsertPolicies = snapshot.Policies, UpsertKeys = [snapshot.FindKey("kept")!] },
            0,
            CancellationToken.None);
        _flaky.Deaf = true;

        _flaky.Swap(restored);
        await AdvanceUntilAsync(() => fra1.State.AppliedRevision == 1, ResyncInterval);

        var resync = await fra1.Logs.WhenLoggedAsync("FeedResync");
        Assert.Contains("went back to an older revision", resync.Message, StringComparison.Ordinal);
        Assert.True(fra1.Keys.TryGetById("kept", out _));
        Assert.False(fra1.Keys.TryGetById("lost", out _));
        await restored.DisposeAsync();
    }

    private ECDsa NewKey()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keys.Add(key);
        return key;
    }

    private async Task<ClusterHarness> StartAsync(Dictionary<string, string?>? settings = null)
    {
        _fra1 = await ClusterHarness.StartAsync(_flaky, "fra1", _clock, settings);
        await StoreWaits.WhenWrappingKeysRegisteredAsync(_store, "fra1");
        return _fra1;
    }

    private Task AdvanceUntilAppliedAsync(ClusterHarness keyserver, long revision, TimeSpan step) =>
        AdvanceUntilAsync(() => keyserver.State.AppliedRevision >= revision, step);

    // The feed waits on the test clock: move it by a step whenever a timer is due within the step,
    // until the condition holds after some store call.
    private async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        while (true)
        {
            var called = _flaky.NextCall();
            if (condition())
            {
                return;
            }

            var armed = _clock.WhenTimerDueWithinAsync(step, guard.Token);
            await Task.WhenAny(called, armed);
            if (armed.IsCompletedSuccessfully)
            {
                _clock.Advance(step);
            }

            guard.Token.ThrowIfCancellationRequested();
        }
    }
}
