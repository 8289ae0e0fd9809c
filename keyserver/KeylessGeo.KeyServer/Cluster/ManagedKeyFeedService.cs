using KeylessGeo.ControlPlane.Store;
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
/// Follows the control-plane change feed: reads a snapshot, builds this datacenter's managed
/// key set, swaps it into the key store (evicting what was denied, removed or changed), then
/// waits for the next revision and repeats. A failing store is retried with backoff while the
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

                var snapshot = await _store.ReadSnapshotAsync(stoppingToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    ClusterLog.StoreRecovered(_logger, failures);
                    failures = 0;
                }

                Apply(snapshot);
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

        var set = _builder.Build(snapshot, _current);
        _placements.Publish(KeyPlacementsBuilder.Build(snapshot));
        var evicted = _keys.ApplyManagedKeys(set.Keys);
        _current = set;
        DeactivateRefusedGrains(set, snapshot.Revision);
        foreach (var keyId in evicted)
        {
            ClusterLog.ManagedKeyEvicted(_logger, keyId, snapshot.Revision, WhyEvicted(set, keyId));
        }

        if (evicted.Count > 0)
        {
            _metrics.Evicted(evicted.Count);
        }

        _state.Applied(snapshot.Revision, set.Counts, now);
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
