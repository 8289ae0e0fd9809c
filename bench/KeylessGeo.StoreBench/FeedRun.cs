using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.StoreBench;

/// <summary>
/// "A keyserver applies one change at N keys": grows a store with servable synthetic keys
/// (<see cref="FeedRecords"/>), starts an in-process keyserver of fra1 at each size (its start-up
/// time and the memory per key its index adds: <see cref="StartKeyserverAsync"/>),
/// then at each size commits single changes (a key's new version; a policy's new version, which
/// re-decides the keys under it) and times the feed's apply step alone: reading the changed records
/// after the applied revision and applying them to the managed key set, the key store's indexes and
/// the placements (<see cref="ManagedKeyApplier"/>), with the bytes the process allocated meanwhile.
/// </summary>
internal sealed class FeedRun(IBenchTarget target, int appliesPerSize, TextWriter log, CertificatePool? certificates = null) : IDisposable
{
    private const int LoadBatch = 5_000;
    private const int KeysPerPolicy = 100;
    private const int WarmUp = 5;
    private readonly Random _random = new(20261206);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "keylessgeo-feedbench-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider? _services;

    private sealed record StartFigures(double Seconds, double HeapMegabytes, double HeapBytesPerKey, double RssBytesPerKey);
    private int _keys;
    private int _policies;
    private int _version = 1;
    private string _fingerprint = "";

    public async Task<List<FeedFigures>> RunAsync(IReadOnlyList<int> sizes)
    {
        Directory.CreateDirectory(_directory);
        using (var wrappingKey = new LocalWrappingKey(WrappingKeyOptions(), NullLogger<LocalWrappingKey>.Instance))
        {
            // Policies carry a copy wrapped for this key: every keyserver started below loads it.
            _fingerprint = wrappingKey.Fingerprint;
        }

        await target.Store.CommitAsync(SyntheticRecords.Change("topology.replace", "topology") with { ReplaceTopology = FeedRecords.Topology }, 0, CancellationToken.None);

        var figures = new List<FeedFigures>();
        foreach (var size in sizes)
        {
            // The previous size's keyserver goes first, so the memory baseline holds the store alone.
            _services?.Dispose();
            _services = null;
            await GrowToAsync(size);
            await target.AfterLoadAsync();
            var (applier, state, start) = await StartKeyserverAsync();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{target.Name}: {_keys:N0} keys ({applier.Current.Counts.Servable:N0} servable in {FeedRecords.Datacenter}), start-up (paged snapshot read, index built, ready to sign) {start.Seconds:F1} s, " +
                $"keyserver heap {start.HeapBytesPerKey:F0} B/key, RSS {start.RssBytesPerKey:F0} B/key, whole process heap {start.HeapMegabytes:F0} MB"));

            foreach (var change in new[] { "one key", "one policy" })
            {
                for (var i = 0; i < WarmUp; i++)
                {
                    await CommitAndApplyAsync(applier, state, change);
                }

                var times = new List<double>();
                var allocated = new List<double>();
                for (var i = 0; i < appliesPerSize; i++)
                {
                    var (milliseconds, bytes) = await CommitAndApplyAsync(applier, state, change);
                    times.Add(milliseconds);
                    allocated.Add(bytes);
                }

                figures.Add(new FeedFigures(
                    target.Name, _keys, _policies, change, appliesPerSize, Percentiles.Of(times, 50), Percentiles.Of(times, 95), Percentiles.Of(allocated, 50),
                    start.Seconds, start.HeapMegabytes, start.HeapBytesPerKey, start.RssBytesPerKey));
                log.WriteLine(figures[^1].ToMarkdownRow());
            }
        }

        return figures;
    }

    /// <summary>
    /// A keyserver of fra1 starting at this size, as its feed starts: the snapshot read a page at a
    /// time, the index built from each page, swapped in, ready to sign. Memory per key is the
    /// managed heap and resident set it added over the store's own (measured before it starts, after
    /// a full collection); the records of the embedded store are copied off each page, as a keyserver
    /// reading a remote store deserializes its own, so nothing it keeps is shared with the in-process store.
    /// </summary>
    private async Task<(ManagedKeyApplier Applier, ClusterState State, StartFigures Start)> StartKeyserverAsync()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton(WrappingKeyOptions());
        services.AddSingleton(Options.Create(new KeyServerOptions { KeysDirectory = _directory, Datacenter = FeedRecords.Datacenter }));
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(target.Store);
        services.AddSingleton<LocalWrappingKey>();
        services.AddSingleton<KeyStore>();
        services.AddSingleton<ClusterState>();
        services.AddSingleton<ClusterMetrics>();
        services.AddSingleton<ManagedKeyBlobs>();
        _services = services.BuildServiceProvider();
        var wrappingKey = _services.GetRequiredService<LocalWrappingKey>();
        var keys = _services.GetRequiredService<KeyStore>();
        var state = _services.GetRequiredService<ClusterState>();
        var pageSize = new ClusterOptions().SnapshotPageSize;

        // The store's own snapshot array (built once per revision) belongs to the baseline.
        await target.Store.ReadKeyIndexPageAsync(null, 1, CancellationToken.None);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = Environment.WorkingSet;

        log.WriteLine($"{target.Name}: starting a keyserver at {_keys:N0} keys");
        log.Flush();
        var sections = new StartSections();
        var started = Stopwatch.GetTimestamp();
        var applier = new ManagedKeyApplier(
            keys, wrappingKey, state, _services.GetRequiredService<ClusterMetrics>(), new KeyPlacementView(), new LocalKeyActivations(),
            _services.GetRequiredService<ManagedKeyBlobs>(), FeedRecords.Datacenter, ClusterOptions.DefaultFeedPageSize, TimeProvider.System, NullLogger.Instance);
        // As the feed reads (ManagedKeyFeedService): key index pages, the next in flight while one is indexed.
        // "read" is the time pages took to arrive and be copied (overlapping the indexing, so the
        // sections add up to more than the wall time when the overlap works).
        // Records of the in-process embedded store are copied (see above); PostgreSQL's are the
        // keyserver's own already, read off the socket, and copying them again would count that work twice.
        var detach = target is EmbeddedTarget;
        ManagedKeyResync? resync = await ManagedKeySnapshotReader.ReadAsync(
            (after, token) => sections.TimeAsync("read", async () =>
            {
                var page = await target.Store.ReadKeyIndexPageAsync(after, pageSize, token);
                return detach ? FeedRecords.Detached(page) : page;
            }),
            applier.BeginSnapshot, static (r, page, prepared) => r.Add(page, prepared), prepareAhead: true, CancellationToken.None);
        var built = resync;
        sections.Time("swap", () => applier.ApplySnapshot(built));
        built = null;
        if (!keys.IsReady || !keys.TryGetById(SyntheticRecords.KeyId(0), out _))
        {
            throw new InvalidOperationException("the benchmark keyserver is not ready to sign after its first snapshot");
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        log.WriteLine(sections.Summary(seconds));
        resync = null;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var rssAfter = Environment.WorkingSet;
        GC.KeepAlive(applier);
        var start = new StartFigures(seconds, heapAfter / 1e6, (heapAfter - heapBefore) / (double)_keys, (rssAfter - rssBefore) / (double)_keys);
        return (applier, state, start);
    }

    private IOptions<ClusterOptions> WrappingKeyOptions() => Options.Create(new ClusterOptions { WrappingKeyPath = Path.Combine(_directory, "wrapping-key.pem") });

    public void Dispose()
    {
        _services?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Commits one change, then times reading it back and applying it; returns milliseconds and allocated bytes.</summary>
    private async Task<(double Milliseconds, double Bytes)> CommitAndApplyAsync(ManagedKeyApplier applier, ClusterState state, string change)
    {
        var version = ++_version;
        var changes = change == "one key"
            ? SyntheticRecords.Change("key.rotate", "key") with { UpsertKeys = [FeedRecords.Key(_random.Next(_keys), _policies, version, _random, certificates)] }
            : SyntheticRecords.Change("policy.update", "policy") with
            {
                UpsertPolicies = [FeedRecords.Policy(_random.Next(_policies), version, _fingerprint, _random)],
            };
        var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
        await target.Store.CommitAsync(changes, revision, CancellationToken.None);

        var applied = state.AppliedRevision;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        var changed = await target.Store.ReadChangedRecordsAsync(applied, ClusterOptions.DefaultFeedPageSize, CancellationToken.None);
        if (applier.WhyNotADelta(changed, applied) is { } reason)
        {
            throw new InvalidOperationException($"the benchmark's change was not a delta: {reason.Message}");
        }

        applier.ApplyDelta(changed, applied);
        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return (milliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    private async Task GrowToAsync(int size)
    {
        var policyTarget = Math.Max(1, size / KeysPerPolicy);
        while (_keys < size || _policies < policyTarget)
        {
            var policies = ImmutableArray.CreateBuilder<PolicyRecord>();
            while (_policies < policyTarget && policies.Count < LoadBatch)
            {
                policies.Add(FeedRecords.Policy(_policies++, 1, _fingerprint, _random));
            }

            var keys = ImmutableArray.CreateBuilder<ManagedKeyRecord>();
            while (_keys < size && keys.Count + policies.Count < LoadBatch)
            {
                keys.Add(FeedRecords.Key(_keys++, policyTarget, version: 1, _random, certificates));
            }

            var revision = await target.Store.GetRevisionAsync(CancellationToken.None);
            await target.Store.CommitAsync(SyntheticRecords.Upserts(policies.ToImmutable(), keys.ToImmutable()), revision, CancellationToken.None);
        }
    }
}
