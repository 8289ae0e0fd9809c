using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.StoreBench;

/// <summary>
/// "The control plane applies one change at N keys": grows a store with synthetic keys
/// (<see cref="FeedRecords"/>), starts a control plane's state follower on it (one snapshot), then
/// at each size commits single changes straight to the store and times what the control plane does
/// next: its follower catching up by one change page (a key's new version; a policy's new
/// version), and a placement query for one key (the follower's catch-up, the key read by id, the
/// live leases). For comparison, the time to read a whole snapshot, which every operation and
/// every pending-copy check cost before the followers applied deltas.
/// </summary>
internal sealed class ControlPlaneApplyRun(IBenchTarget target, int appliesPerSize, TextWriter log) : IDisposable
{
    private const int LoadBatch = 5_000;
    private const int KeysPerPolicy = 100;
    private const int WarmUp = 5;
    private const int SnapshotReads = 3;
    private readonly Random _random = new(20261206);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "keylessgeo-cpbench-key-" + Guid.NewGuid().ToString("N"));
    private int _keys;
    private int _policies;
    private int _version = 1;

    public async Task<List<ControlPlaneApplyFigures>> RunAsync(IReadOnlyList<int> sizes)
    {
        Directory.CreateDirectory(_directory);
        using var keyring = ControlPlaneKeyring.LoadOrCreate(Path.Combine(_directory, "control-plane.key"), out _);
        await target.Store.CommitAsync(SyntheticRecords.Change("topology.replace", "topology") with { ReplaceTopology = FeedRecords.Topology }, 0, CancellationToken.None);
        var figures = new List<ControlPlaneApplyFigures>();
        foreach (var size in sizes)
        {
            await GrowToAsync(size);
            if (target.Store is EmbeddedControlPlaneStore embedded)
            {
                // Compaction after the load, so it never lands inside a measured apply.
                await embedded.CompactAsync(CancellationToken.None);
            }

            var snapshotMilliseconds = await TimeSnapshotReadsAsync();

            // A control plane starting at this size: one snapshot, then deltas.
            var context = new ControlPlaneContext(target.Store, keyring, new ControlPlaneServiceOptions(), TimeProvider.System, NullLoggerFactory.Instance);
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var started = Stopwatch.GetTimestamp();
            await context.Follower.CurrentAsync(CancellationToken.None);
            var firstSync = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // What the follower's state holds, apart from the store's own memory (the embedded store keeps its state in process).
            var heap = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / 1e6;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{target.Name}: {_keys:N0} keys, {_policies:N0} policies; before, each key operation read a snapshot and indexed its key ids: {snapshotMilliseconds:F0} ms; "
                + $"control plane's first sync {firstSync:F1} s, its state {heap:F0} MB ({heap * 1e6 / Math.Max(1, _keys):F0} B per key)"));

            var placement = new KeyPlacementService(context);
            foreach (var change in new[] { "one key", "one policy", "placement of one key" })
            {
                for (var i = 0; i < WarmUp; i++)
                {
                    await CommitAndApplyAsync(context, placement, change);
                }

                var times = new List<double>();
                var allocated = new List<double>();
                for (var i = 0; i < appliesPerSize; i++)
                {
                    var (milliseconds, bytes) = await CommitAndApplyAsync(context, placement, change);
                    times.Add(milliseconds);
                    allocated.Add(bytes);
                }

                figures.Add(new ControlPlaneApplyFigures(
                    target.Name, _keys, _policies, change, appliesPerSize, Percentiles.Of(times, 50), Percentiles.Of(times, 95), Percentiles.Of(allocated, 50),
                    snapshotMilliseconds, firstSync, heap));
                log.WriteLine(figures[^1].ToMarkdownRow());
            }
        }

        return figures;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// The median time to read a whole snapshot and index its key ids: what each key operation cost
    /// before (the committer read a snapshot, the limit check built a set of every key id).
    /// </summary>
    private async Task<double> TimeSnapshotReadsAsync()
    {
        var times = new List<double>();
        for (var i = 0; i < SnapshotReads; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var snapshot = await target.Store.ReadSnapshotAsync(CancellationToken.None);
            _ = snapshot.Keys.Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return Percentiles.Of(times, 50);
    }

    /// <summary>Commits one change straight to the store, then times the control plane catching up (and answering, for a placement); milliseconds and allocated bytes.</summary>
    private async Task<(double Milliseconds, double Bytes)> CommitAndApplyAsync(ControlPlaneContext context, KeyPlacementService placement, string change)
    {
        var version = ++_version;
        var index = _random.Next(_keys);
        var changes = change == "one policy"
            ? SyntheticRecords.Change("policy.update", "policy") with { UpsertPolicies = [FeedRecords.Policy(_random.Next(_policies), version, "fp-fra1", _random)] }
            : SyntheticRecords.Change("key.rotate", "key") with { UpsertKeys = [FeedRecords.Key(index, _policies, version, _random)] };
        var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
        var committed = await target.Store.CommitAsync(changes, revision, CancellationToken.None);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        if (change == "placement of one key")
        {
            var answer = await placement.GetAsync(changes.UpsertKeys[0].KeyId, CancellationToken.None);
            Check(answer.Revision, committed.Revision);
        }
        else
        {
            var state = await context.Follower.CurrentAsync(CancellationToken.None);
            Check(state.Revision, committed.Revision);
        }

        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return (milliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    private static void Check(long reached, long committed)
    {
        if (reached != committed)
        {
            throw new InvalidOperationException($"the control plane reached revision {reached}, not the committed {committed}");
        }
    }

    private async Task GrowToAsync(int size)
    {
        var policyTarget = Math.Max(1, size / KeysPerPolicy);
        while (_keys < size || _policies < policyTarget)
        {
            var policies = ImmutableArray.CreateBuilder<PolicyRecord>();
            while (_policies < policyTarget && policies.Count < LoadBatch)
            {
                policies.Add(FeedRecords.Policy(_policies++, 1, "fp-fra1", _random));
            }

            var keys = ImmutableArray.CreateBuilder<ManagedKeyRecord>();
            while (_keys < size && keys.Count + policies.Count < LoadBatch)
            {
                keys.Add(FeedRecords.Key(_keys++, policyTarget, version: 1, _random));
            }

            var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
            await target.Store.CommitAsync(
                SyntheticRecords.Change("bench.load", $"keys/{keys.Count}") with { UpsertPolicies = policies.ToImmutable(), UpsertKeys = keys.ToImmutable() },
                revision, CancellationToken.None);
        }
    }
}
