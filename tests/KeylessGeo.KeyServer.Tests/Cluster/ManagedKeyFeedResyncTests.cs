using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Placement;
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
    private readonly TempDirectory _directory = new();
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
        _directory.Dispose();
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

    [Fact]
    public async Task AKeyserverReadingTheSnapshotInSmallPages_ServesWhatAFreshKeyserverServes()
    {
        var wrappingKey = await RegisteredWrappingKeyAsync();
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        await _seeder.CreatePolicyAsync("na-only", "region: NA");
        for (var i = 0; i < 7; i++)
        {
            await _seeder.ImportKeyAsync($"k{i}", i % 3 == 0 ? "na-only" : "eu-only", NewKey(), $"k{i}.example.com", "*.shared.example");
        }

        var paged = await StartAsync(new Dictionary<string, string?>(wrappingKey) { ["Cluster:SnapshotPageSize"] = "2" });
        await using var whole = await ClusterHarness.StartAsync(_store, "fra1", _clock, wrappingKey, "ks-fra1-whole");
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        await paged.WhenAppliedAsync(snapshot.Revision);
        await whole.WhenAppliedAsync(snapshot.Revision);

        KeySetComparison.AssertSame(snapshot, whole, paged);
        Assert.Equal(new ManagedKeyCounts(4, 3, 0), paged.State.Counts);
        var read = await paged.Logs.WhenLoggedAsync("SnapshotPagesRead");
        Assert.Contains("7 managed keys in 4 pages", read.Message, StringComparison.Ordinal);
        Assert.Equal(4, _flaky.SnapshotPageReads);
    }

    [Fact]
    public async Task ChangesCommittedWhileTheSnapshotIsReadInPages_AreBroughtInByTheDeltasAfterIt()
    {
        var wrappingKey = await RegisteredWrappingKeyAsync();
        await _seeder.CreatePolicyAsync("eu-only", "region: EU");
        await _seeder.CreatePolicyAsync("na-only", "region: NA");
        for (var i = 1; i < 8; i++)
        {
            await _seeder.ImportKeyAsync($"k{i}", i % 3 == 0 ? "na-only" : "eu-only", NewKey(), $"k{i}.example.com");
        }

        var latest = 0L;
        _flaky.BeforeSnapshotPage = async reads =>
        {
            if (reads != 2)
            {
                return;
            }

            // Between the first and the second page: a key of the first page goes, one sorting
            // before every page arrives, a key of a later page rotates, and a policy widens.
            await _seeder.RemoveKeyAsync("k1");
            await _seeder.ImportKeyAsync("k0", "eu-only", NewKey(), "k0.example.com");
            await _seeder.RotateKeyAsync("k6", NewKey());
            latest = await _seeder.UpdatePolicyAsync("na-only", "region: EU or region: NA");
        };

        // The feed's first snapshot (and the commits between its pages) is read while it starts.
        var paged = await StartAsync(new Dictionary<string, string?>(wrappingKey) { ["Cluster:SnapshotPageSize"] = "2" });
        _flaky.BeforeSnapshotPage = null;
        Assert.NotEqual(0, latest);
        await paged.WhenAppliedAsync(latest);
        await using var fresh = await ClusterHarness.StartAsync(_store, "fra1", _clock, wrappingKey, "ks-fra1-fresh");
        await fresh.WhenAppliedAsync(latest);

        KeySetComparison.AssertSame(await _store.ReadSnapshotAsync(CancellationToken.None), fresh, paged);
        Assert.False(paged.Keys.TryGetById("k1", out _));
        Assert.True(paged.Keys.TryGetById("k0", out _));
        Assert.Equal(new ManagedKeyCounts(7, 0, 0), paged.State.Counts);
        Assert.Contains(paged.Logs.Entries, e => e.EventId.Name == "DeltaApplied");
    }

    // fra1's wrapping key registered before any keyserver starts, so policies created now carry its copy.
    private async Task<Dictionary<string, string?>> RegisteredWrappingKeyAsync()
    {
        var path = Path.Combine(_directory.Path, "wrapping-key.pem");
        using (var key = DatacenterWrappingKey.LoadOrCreate(path, out _))
        {
            await _seeder.RegisterWrappingKeyAsync("fra1", key.Public);
        }

        return new Dictionary<string, string?> { ["Cluster:WrappingKeyPath"] = path };
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
