using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Cluster.Routing;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Follows the control-plane change feed: reads a snapshot first, builds this datacenter's managed
/// key set and swaps it into the key store; then waits for the next revision and applies only what
/// changed (<see cref="IControlPlaneStore.ReadChangedRecordsAsync"/>): added, changed and removed
/// keys, and changed policies, whose keys alone are decided again. The key store's and the
/// placements' indexes change a key at a time, and grains of keys refused or removed here leave.
/// A whole snapshot is read again (built aside while the current set keeps serving, then swapped
/// in) when deltas cannot bring the key set up to date: the keyserver fell behind the store's
/// retained change feed, is more than a page behind, the store went back to an older revision,
/// or the topology changed. A failing store is retried with backoff while the
/// last good key set stays in force; nothing here stops the process.
/// </summary>
internal sealed class ManagedKeyFeedService : BackgroundService
{
    private const string Operation = "feed";
    private readonly IControlPlaneStore _store;
    private readonly KeyStore _keys;
    private readonly ClusterState _state;
    private readonly ClusterMetrics _metrics;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ManagedKeyFeedService> _logger;
    private readonly ManagedKeySetBuilder _builder;
    private readonly string _datacenter;
    private readonly KeyPlacementView _placements;
    private readonly LocalKeyActivations _activations;
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManagedKeySet _current = ManagedKeySet.Empty;

    public ManagedKeyFeedService(
        IControlPlaneStore store, KeyStore keys, LocalWrappingKey wrappingKey, ClusterState state, ClusterMetrics metrics,
        IOptions<ClusterOptions> options, IOptions<KeyServerOptions> core, TimeProvider time, ILogger<ManagedKeyFeedService> logger,
        KeyPlacementView placements, LocalKeyActivations activations)
    {
        _placements = placements;
        _activations = activations;
        _store = store;
        _keys = keys;
        _state = state;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _datacenter = core.Value.Datacenter;
        _builder = new ManagedKeySetBuilder(_datacenter, wrappingKey, keys.NextGeneration, logger);
    }

    /// <summary>
    /// Starts following the feed and waits (at most <see cref="ClusterOptions.InitialSnapshotTimeout"/>)
    /// for the first attempt to read the store, so that a keyserver whose store answers serves
    /// its managed keys from its first request.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _keys.ExpectManagedKeys();
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_options.InitialSnapshotTimeout <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await _firstAttempt.Task.WaitAsync(_options.InitialSnapshotTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ClusterLog.InitialSnapshotTimedOut(_logger, _options.InitialSnapshotTimeout);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_state.HasSnapshot)
                {
                    await WaitForChangeAsync(stoppingToken).ConfigureAwait(false);
                }

                await SyncAsync(stoppingToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    ClusterLog.StoreRecovered(_logger, failures);
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The last good key set stays in force: keys are neither dropped nor invented
                // because the store is unreachable.
                failures++;
                var delay = RetryDelay.After(failures, _options.StoreRetryDelay, _options.StoreRetryMaxDelay);
                if (e is StoreUnavailableException)
                {
                    ClusterLog.StoreFailed(_logger, _store.Kind, "the change feed", delay, e);
                }
                else
                {
                    ClusterLog.ClusterOperationFailed(_logger, "the change feed", delay, e);
                }

                _metrics.StoreFailed(Operation);
                _firstAttempt.TrySetResult();
                try
                {
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            _firstAttempt.TrySetResult();
        }
    }

    /// <summary>Brings the managed keys up to the store's latest revision: by a delta when it can, else from a snapshot.</summary>
    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (!_state.HasSnapshot)
        {
            Apply(await _store.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false));
            return;
        }

        var applied = _state.AppliedRevision;
        var changed = await _store.ReadChangedRecordsAsync(applied, _options.FeedPageSize, cancellationToken).ConfigureAwait(false);
        var latest = changed.Page.LatestRevision;
        if (latest == applied && changed.Complete)
        {
            _state.Touched(_time.GetUtcNow());
            return;
        }

        if (WhyNotADelta(changed, applied) is { } reason)
        {
            ClusterLog.FeedResync(_logger, reason.Level, applied, latest, reason.Message);
            Apply(await _store.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false));
            return;
        }

        ApplyDelta(changed, applied);
    }

    /// <summary>Why <paramref name="changed"/> cannot be applied as a delta to the set at <paramref name="applied"/>, or null when it can.</summary>
    private (LogLevel Level, string Message)? WhyNotADelta(ChangedRecords changed, long applied)
    {
        var page = changed.Page;
        if (page.LatestRevision < applied)
        {
            return (LogLevel.Warning, "the store went back to an older revision (restored?)");
        }

        if (page.Truncated)
        {
            return (LogLevel.Warning, "changes this keyserver had not applied were dropped from the store's retained change feed");
        }

        if (!changed.Complete)
        {
            return (LogLevel.Warning, $"more than {_options.FeedPageSize} change records (Cluster:FeedPageSize) are waiting");
        }

        foreach (var change in page.Changes)
        {
            if (change.Kind == ChangeKind.Datacenter)
            {
                // Every policy is evaluated against the topology: decide them all again.
                return (LogLevel.Information, $"the topology changed at revision {change.Revision}");
            }
        }

        return null;
    }

    /// <summary>Applies the changed policies and keys of <paramref name="changed"/> to the set in force at <paramref name="applied"/>.</summary>
    private void ApplyDelta(ChangedRecords changed, long applied)
    {
        var now = _time.GetUtcNow();
        var revision = changed.Page.LatestRevision;
        var delta = _builder.Apply(_current, changed);
        KeyPlacementsBuilder.Apply(_placements, changed);
        var evicted = delta.IsEmpty ? [] : _keys.ApplyManagedKeyChanges(delta.Upserts, delta.Removed);
        foreach (var key in delta.Upserts)
        {
            if (ManagedKeySet.FactsOf(key).Status != ManagedKeyStatus.Servable)
            {
                Retire(key.KeyId, revision);
            }
        }

        foreach (var keyId in delta.Removed)
        {
            Retire(keyId, revision);
        }

        Evicted(evicted, revision);
        var counts = _current.Counts;
        _state.Applied(revision, counts, now);
        _metrics.FeedApplied(delta: true);
        ClusterLog.DeltaApplied(_logger, applied, revision, changed.Page.Changes.Count, delta.Upserts.Count, delta.Removed.Count);
        ClusterLog.RevisionApplied(_logger, revision, counts.Servable, counts.Denied, counts.Unavailable, _datacenter);
    }

    /// <summary>Applies <paramref name="snapshot"/> unless it is the revision in force already.</summary>
    private void Apply(ControlPlaneSnapshot snapshot)
    {
        var now = _time.GetUtcNow();
        var applied = _state.AppliedRevision;
        if (_state.HasSnapshot && snapshot.Revision == applied)
        {
            _state.Touched(now);
            return;
        }

        if (_state.HasSnapshot && snapshot.Revision < applied)
        {
            ClusterLog.RevisionWentBack(_logger, applied, snapshot.Revision);
        }

        // Built aside: the set in force keeps serving until the new one is swapped in whole.
        var set = _builder.Build(snapshot, _current);
        var placements = KeyPlacementsBuilder.Build(snapshot);
        _placements.Publish(placements);
        var evicted = _keys.ApplyManagedKeys(set.InKeyIdOrder());
        _current = set;
        DeactivateRefusedGrains(set, snapshot.Revision);
        Evicted(evicted, snapshot.Revision);
        _state.Applied(snapshot.Revision, set.Counts, now);
        _metrics.FeedApplied(delta: false);
        ClusterLog.RevisionApplied(_logger, snapshot.Revision, set.Counts.Servable, set.Counts.Denied, set.Counts.Unavailable, _datacenter);
    }

    /// <summary>
    /// Key grains active here whose key this datacenter may no longer hold (or that changed) leave
    /// now: the next request is placed anew, on a silo the new policy permits.
    /// </summary>
    private void DeactivateRefusedGrains(ManagedKeySet set, long revision)
    {
        foreach (var keyId in _activations.KeyIds)
        {
            if (set.TryGet(keyId, out var key) && ManagedKeySet.FactsOf(key).Status == ManagedKeyStatus.Servable)
            {
                continue;
            }

            var why = $"revision {revision}: {WhyEvicted(set, keyId)}";
            if (_activations.Deactivate(keyId, why))
            {
                RoutingLog.KeyGrainRetired(_logger, keyId, why);
            }
        }
    }

    /// <summary>Asks the grain of <paramref name="keyId"/>, if active here, to leave: its key is refused or gone.</summary>
    private void Retire(string keyId, long revision)
    {
        if (!_activations.IsActive(keyId))
        {
            return;
        }

        var why = $"revision {revision}: {WhyEvicted(_current, keyId)}";
        if (_activations.Deactivate(keyId, why))
        {
            RoutingLog.KeyGrainRetired(_logger, keyId, why);
        }
    }

    private void Evicted(IReadOnlyList<string> evicted, long revision)
    {
        foreach (var keyId in evicted)
        {
            ClusterLog.ManagedKeyEvicted(_logger, keyId, revision, WhyEvicted(_current, keyId));
        }

        if (evicted.Count > 0)
        {
            _metrics.Evicted(evicted.Count);
        }
    }

    private async Task WaitForChangeAsync(CancellationToken stoppingToken)
    {
        // A lost notification must not leave this keyserver on an old revision: read the store
        // at least every FeedResyncInterval even when nothing was signalled.
        using var resync = new CancellationTokenSource(_options.FeedResyncInterval, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, resync.Token);
        try
        {
            await _store.WaitForChangeAsync(_state.AppliedRevision, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (resync.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static string WhyEvicted(ManagedKeySet set, string keyId)
    {
        if (!set.TryGet(keyId, out var key))
        {
            return "the key was removed";
        }

        var facts = ManagedKeySet.FactsOf(key);
        return facts.Status switch
        {
            ManagedKeyStatus.Denied => "its policy no longer permits this datacenter",
            ManagedKeyStatus.Unavailable => "it can no longer be opened here",
            _ => $"it changed (now version {facts.Record.Version}, policy key generation {facts.PolicyKeyGeneration})",
        };
    }
}
