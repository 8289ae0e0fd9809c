using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Follows the control-plane change feed: reads a snapshot first (a page at a time), builds this datacenter's managed
/// key set and swaps it into the key store; then waits for the next revision and applies only what
/// changed (<see cref="IControlPlaneStore.ReadChangedRecordsAsync"/>): added, changed and removed
/// keys, and changed policies, whose keys alone are decided again. The key store's and the
/// placements' indexes change a key at a time, and grains of keys refused or removed here leave.
/// A whole snapshot is read again, a page of keys at a time (built aside from each page while the
/// current set keeps serving, then swapped in), when deltas cannot bring the key set up to date: the keyserver fell behind the store's
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
    private readonly ManagedKeyApplier _applier;
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManagedKeyFeedService(
        IControlPlaneStore store, KeyStore keys, LocalWrappingKey wrappingKey, ClusterState state, ClusterMetrics metrics,
        IOptions<ClusterOptions> options, IOptions<KeyServerOptions> core, TimeProvider time, ILogger<ManagedKeyFeedService> logger,
        KeyPlacementView placements, LocalKeyActivations activations, ManagedKeyBlobs blobs)
    {
        _store = store;
        _keys = keys;
        _state = state;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _applier = new ManagedKeyApplier(
            keys, wrappingKey, state, metrics, placements, activations, blobs, core.Value.Datacenter, _options.FeedPageSize, time, logger);
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
            await ResyncAsync(cancellationToken).ConfigureAwait(false);
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

        if (_applier.WhyNotADelta(changed, applied) is { } reason)
        {
            ClusterLog.FeedResync(_logger, reason.Level, applied, latest, reason.Message);
            await ResyncAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        _applier.ApplyDelta(changed, applied);
    }

    /// <summary>
    /// Reads the snapshot a page of <see cref="ClusterOptions.SnapshotPageSize"/> keys at a time, as
    /// key index pages (<see cref="IControlPlaneStore.ReadKeyIndexPageAsync"/>: no wrapped keys or
    /// certificates; a key's wrapped blob is fetched when it is used), the next page read while one is
    /// indexed (<see cref="ManagedKeySnapshotReader"/>), and
    /// builds the new set from each page as it arrives (never holding every record), while the set in
    /// force keeps serving; then swaps it in. Pages read at later revisions than the first are
    /// brought together by the deltas after the first page's revision, which the next turn applies.
    /// </summary>
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var pageSize = _options.SnapshotPageSize;
        var resync = await ManagedKeySnapshotReader.ReadAsync(
            (after, token) => _store.ReadKeyIndexPageAsync(after, pageSize, token), _applier.BeginSnapshot, static (r, page, prepared) => r.Add(page, prepared),
            prepareAhead: true, cancellationToken).ConfigureAwait(false);

        ClusterLog.SnapshotPagesRead(_logger, resync.Keys.Count, resync.Pages, resync.Revision, resync.LastRevision, _time.GetElapsedTime(started).TotalMilliseconds);
        _applier.ApplySnapshot(resync);
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
}
