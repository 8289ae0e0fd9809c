using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.InMemory;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// The change feed after its first snapshot applies deltas: a changed policy re-decides only its
/// own keys, a key change touches only that key, and the result is exactly what a keyserver
/// reading the whole snapshot at the same revision makes of it. A keyserver that misses part of
/// the feed (its store unreachable while changes are committed, the retained feed and, for the
/// embedded store, the commit log compacted past it) re-syncs from a snapshot and converges to
/// what a fresh keyserver serves.
/// </summary>
public sealed class ManagedKeyFeedDeltaTests : IAsyncLifetime
{
    private const int SmallRetention = 8;
    private readonly TestClock _clock = new();
    private readonly TempDirectory _data = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<ECDsa> _keys = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _keys.ForEach(k => k.Dispose());
        _data.Dispose();
    }

    [Fact]
    public async Task APolicyChange_ReDecidesOnlyTheKeysUnderIt_AsADelta()
    {
        var (store, seeder) = await NewStoreAsync("in-memory", InMemoryControlPlaneStore.ChangeRetention);
        var fra1 = await StartAsync(store, "fra1");
        await seeder.CreatePolicyAsync("eu-only", "region: EU");
        await seeder.CreatePolicyAsync("fra-only", "dc: fra1");
        await seeder.ImportKeyAsync("k1", "eu-only", NewKey(), "k1.example.com");
        await fra1.WhenAppliedAsync(await seeder.ImportKeyAsync("k2", "fra-only", NewKey(), "k2.example.com"));
        Assert.True(fra1.Keys.TryGetById("k2", out var k2Before));
        Assert.True(fra1.Keys.TryGetById("k1", out var k1Before));

        await fra1.WhenAppliedAsync(await seeder.UpdatePolicyAsync("eu-only", "region: NA"));

        Assert.True(fra1.Keys.TryGetById("k2", out var k2After));
        Assert.True(fra1.Keys.TryGetById("k1", out var k1After));
        Assert.Same(k2Before, k2After);
        Assert.NotSame(k1Before, k1After);
        Assert.Equal(ManagedKeyStatus.Denied, ManagedKeySet.FactsOf(k1After).Status);
        Assert.Equal(new ManagedKeyCounts(1, 1, 0), fra1.State.Counts);
        Assert.Contains(fra1.Logs.Entries, e => e.EventId.Name == "DeltaApplied");
        Assert.DoesNotContain(fra1.Logs.Entries, e => e.EventId.Name == "FeedResync");
    }

    [Fact]
    public async Task ATopologyChange_IsAppliedFromAWholeSnapshot()
    {
        var (store, seeder) = await NewStoreAsync("in-memory", InMemoryControlPlaneStore.ChangeRetention);
        var fra1 = await StartAsync(store, "fra1");
        await seeder.CreatePolicyAsync("eu-only", "region: EU");
        await fra1.WhenAppliedAsync(await seeder.ImportKeyAsync("k1", "eu-only", NewKey()));

        var revision = await seeder.SetTopologyAsync([StoreSeeder.Datacenter("fra1", "NA", "US"), StoreSeeder.Datacenter("sfo1", "NA", "US")]);
        await fra1.WhenAppliedAsync(revision);

        var resync = await fra1.Logs.WhenLoggedAsync("FeedResync", e => e.Message.Contains("topology changed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, resync.Level);
        Assert.Equal(ManagedKeyStatus.Denied, Status(fra1, "k1"));
    }

    [Theory]
    [InlineData("in-memory")]
    [InlineData("embedded")]
    public async Task AKeyserverThatMissedPartOfTheFeed_ReSyncs_AndServesWhatAFreshKeyserverServes(string kind)
    {
        var (inner, seeder) = await NewStoreAsync(kind, SmallRetention);
        var flaky = new FlakyControlPlaneStore(inner);
        var fra1 = await StartAsync(flaky, "fra1", retries: true);
        await seeder.CreatePolicyAsync("eu-only", "region: EU");
        await seeder.CreatePolicyAsync("na-only", "region: NA");
        await seeder.ImportKeyAsync("k1", "eu-only", NewKey(), "k1.example.com");
        await seeder.ImportKeyAsync("k2", "eu-only", NewKey(), "*.shared.example");
        await fra1.WhenAppliedAsync(await seeder.ImportKeyAsync("k3", "na-only", NewKey()));
        var missedFrom = fra1.State.AppliedRevision;

        // The keyserver cannot read the store while more changes than the feed retains are committed.
        flaky.Down = true;
        await flaky.WhenAsync(s => s.Failures > 0, ClusterHarness.Guard());
        await seeder.RemoveKeyAsync("k1");
        await seeder.RotateKeyAsync("k2", NewKey());
        await seeder.UpdatePolicyAsync("na-only", "region: EU or country: US");
        for (var i = 4; i < 4 + SmallRetention; i++)
        {
            await seeder.ImportKeyAsync($"k{i}", i % 2 == 0 ? "eu-only" : "na-only", NewKey(), "*.shared.example", $"k{i}.example.com");
        }

        var latest = await seeder.UpdatePolicyAsync("eu-only", "dc: sfo1");
        if (inner is EmbeddedControlPlaneStore embedded)
        {
            Assert.True(await embedded.CompactAsync(CancellationToken.None));
        }

        Assert.True((await inner.ReadChangesAsync(missedFrom, 100, CancellationToken.None)).Truncated);

        flaky.Down = false;
        await AdvancePastRetriesAsync(fra1, latest);
        var fresh = await StartAsync(inner, "fra1", keyserverId: "ks-fra1-fresh", wrappingKeyPath: fra1.WrappingKey.Path);
        await fresh.WhenAppliedAsync(latest);

        var resync = await fra1.Logs.WhenLoggedAsync("FeedResync", e => e.Message.Contains("retained change feed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, resync.Level);
        KeySetComparison.AssertSame(await inner.ReadSnapshotAsync(CancellationToken.None), fresh, fra1);
        Assert.Equal(ManagedKeyStatus.Denied, Status(fra1, "k2"));
        Assert.False(fra1.Keys.TryGetById("k1", out _));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task ALongSeriesOfRandomDeltas_EndsWithTheKeySetASnapshotGives(int seed)
    {
        var random = new Random(seed);
        var (store, seeder) = await NewStoreAsync("in-memory", InMemoryControlPlaneStore.ChangeRetention);
        var fra1 = await StartAsync(store, "fra1");
        string[] policies = ["p-eu", "p-na", "p-fra"];
        string[] texts = ["region: EU", "region: NA", "dc: fra1", "dc: sfo1", "region: EU or country: US", "none"];
        string[] names = ["a.example", "b.example", "*.example", "*.b.example"];
        foreach (var policy in policies)
        {
            await seeder.CreatePolicyAsync(policy, texts[random.Next(texts.Length)]);
        }

        var present = new List<string>();
        var next = 0;
        var latest = 0L;
        for (var step = 0; step < 60; step++)
        {
            var choice = present.Count == 0 ? 0 : random.Next(10);
            if (choice <= 3)
            {
                var keyId = $"k{next++:000}";
                latest = await seeder.ImportKeyAsync(keyId, policies[random.Next(policies.Length)], NewKey(), [.. names.Where(_ => random.Next(3) == 0)]);
                present.Add(keyId);
            }
            else if (choice <= 5)
            {
                latest = await seeder.UpdatePolicyAsync(policies[random.Next(policies.Length)], texts[random.Next(texts.Length)]);
            }
            else if (choice <= 7)
            {
                latest = await seeder.RotateKeyAsync(present[random.Next(present.Count)], NewKey());
            }
            else
            {
                var keyId = present[random.Next(present.Count)];
                present.Remove(keyId);
                latest = await seeder.RemoveKeyAsync(keyId);
            }

            if (random.Next(2) == 0)
            {
                await fra1.WhenAppliedAsync(latest);
            }
        }

        await fra1.WhenAppliedAsync(latest);
        var fresh = await StartAsync(store, "fra1", keyserverId: "ks-fra1-fresh", wrappingKeyPath: fra1.WrappingKey.Path);
        await fresh.WhenAppliedAsync(latest);

        KeySetComparison.AssertSame(await store.ReadSnapshotAsync(CancellationToken.None), fresh, fra1);
        Assert.DoesNotContain(fra1.Logs.Entries, e => e.EventId.Name == "FeedResync");
        Assert.Contains(fra1.Logs.Entries, e => e.EventId.Name == "DeltaApplied");
    }

    private static ManagedKeyStatus Status(ClusterHarness keyserver, string keyId) =>
        keyserver.Keys.TryGetById(keyId, out var key) ? ManagedKeySet.FactsOf(key).Status : throw new InvalidOperationException($"no entry for {keyId}");

    private ECDsa NewKey()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keys.Add(key);
        return key;
    }

    private async Task<(IControlPlaneStore Store, StoreSeeder Seeder)> NewStoreAsync(string kind, int retention)
    {
        IControlPlaneStore store = kind == "embedded"
            ? new EmbeddedControlPlaneStore(new EmbeddedStoreOptions { DataDirectory = Path.Combine(_data.Path, "store"), ChangeRetention = retention }, _clock)
            : new InMemoryControlPlaneStore(_clock, retention);
        _owned.Add(store);
        var seeder = new StoreSeeder(store, _clock);
        _owned.Add(new SeederDisposal(seeder));
        await seeder.SetTopologyAsync(StoreSeeder.FraAndSfo);
        return (store, seeder);
    }

    private async Task<ClusterHarness> StartAsync(
        IControlPlaneStore store, string datacenter, bool retries = false, string? keyserverId = null, string? wrappingKeyPath = null)
    {
        var settings = new Dictionary<string, string?>();
        if (retries)
        {
            settings["Cluster:StoreRetryDelay"] = "00:00:01";
            settings["Cluster:StoreRetryMaxDelay"] = "00:00:04";
        }

        if (wrappingKeyPath is not null)
        {
            settings["Cluster:WrappingKeyPath"] = wrappingKeyPath;
        }

        var keyserver = await ClusterHarness.StartAsync(store, datacenter, _clock, settings, keyserverId);
        _owned.Add(keyserver);
        await StoreWaits.WhenWrappingKeysRegisteredAsync(store, datacenter);
        return keyserver;
    }

    // The feed sleeps on the test clock between retries: move the clock by the longest retry
    // delay whenever a retry timer is armed, until the revision is applied.
    private async Task AdvancePastRetriesAsync(ClusterHarness keyserver, long revision)
    {
        using var guard = new CancellationTokenSource(ClusterHarness.HangGuard);
        var applied = keyserver.State.WhenAppliedAsync(revision, guard.Token);
        while (!applied.IsCompleted)
        {
            var armed = _clock.WhenTimerDueWithinAsync(TimeSpan.FromSeconds(4), guard.Token);
            await Task.WhenAny(applied, armed);
            if (armed.IsCompletedSuccessfully)
            {
                _clock.Advance(TimeSpan.FromSeconds(4));
            }
        }

        await applied;
    }

    private sealed class SeederDisposal(StoreSeeder seeder) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            seeder.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
