using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Cluster.Routing;
using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The change feed's apply step, apart from its reading and waiting: applies a whole snapshot
/// (built aside, swapped in) or a delta of changed policies and keys to the managed key set, the
/// key store's indexes and the placements, retires the grains of keys refused or removed here,
/// and records the revision, counts, metrics and logs. Used by one caller at a time (the feed, or
/// the store benchmark that times it).
/// </summary>
internal sealed class ManagedKeyApplier
{
    private readonly KeyStore _keys;
    private readonly ClusterState _state;
    private readonly ClusterMetrics _metrics;
    private readonly KeyPlacementView _placements;
    private readonly LocalKeyActivations _activations;
    private readonly string _datacenter;
    private readonly int _pageSize;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ManagedKeySetBuilder _builder;
    private readonly ManagedKeyBlobs _blobs;
    private ManagedKeySet _current = ManagedKeySet.Empty;

    public ManagedKeyApplier(
        KeyStore keys, LocalWrappingKey wrappingKey, ClusterState state, ClusterMetrics metrics, KeyPlacementView placements,
        LocalKeyActivations activations, ManagedKeyBlobs blobs, string datacenter, int pageSize, TimeProvider time, ILogger logger)
    {
        _blobs = blobs;
        _keys = keys;
        _state = state;
        _metrics = metrics;
        _placements = placements;
        _activations = activations;
        _datacenter = datacenter;
        _pageSize = pageSize;
        _time = time;
        _logger = logger;
        _builder = new ManagedKeySetBuilder(datacenter, wrappingKey, keys.NextGeneration, blobs, logger);
    }

    /// <summary>The managed key set in force.</summary>
    public ManagedKeySet Current => _current;

    /// <summary>Why <paramref name="changed"/> cannot be applied as a delta to the set at <paramref name="applied"/>, or null when it can.</summary>
    public (LogLevel Level, string Message)? WhyNotADelta(ChangedRecords changed, long applied)
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
            return (LogLevel.Warning, $"more than {_pageSize} change records (Cluster:FeedPageSize) are waiting");
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
    public void ApplyDelta(ChangedRecords changed, long applied)
    {
        var now = _time.GetUtcNow();
        var revision = changed.Page.LatestRevision;
        var delta = _builder.Apply(_current, changed);
        KeyPlacementsBuilder.Apply(_placements, changed);
        var evicted = delta.IsEmpty ? [] : _keys.ApplyManagedKeyChanges(delta.Upserts, delta.Removed);
        foreach (var change in changed.Page.Changes)
        {
            // A changed or removed key record drops its fetched wrapped key (a policy change keeps
            // it: the record, and so the blob, is the same).
            if (change.Kind == ChangeKind.Key)
            {
                _blobs.Invalidate(change.Id);
            }
        }

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
    public void ApplySnapshot(ControlPlaneSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_state.HasSnapshot && snapshot.Revision == _state.AppliedRevision)
        {
            _state.Touched(_time.GetUtcNow());
            return;
        }

        var resync = BeginSnapshot(SnapshotPage.Of(snapshot, null, 1) with { Keys = [] });
        resync.Add(new SnapshotPage { Revision = snapshot.Revision, Keys = snapshot.Keys });
        ApplySnapshot(resync);
    }

    /// <summary>
    /// Starts a re-sync from a snapshot read a page at a time: <paramref name="first"/> (the first
    /// page: topology, wrapping keys, policies) decides the policies; its keys and those of the
    /// following pages go to <see cref="ManagedKeyResync.Add"/>; then <see cref="ApplySnapshot(ManagedKeyResync)"/>.
    /// </summary>
    public ManagedKeyResync BeginSnapshot(SnapshotPage first)
    {
        ArgumentNullException.ThrowIfNull(first);
        var header = new ControlPlaneSnapshot
        {
            Revision = first.Revision,
            Datacenters = first.Datacenters,
            WrappingKeys = first.WrappingKeys,
            Policies = first.Policies,
        };
        // Sized once from the store's count (or the set in force), not grown a page at a time.
        var expected = first.KeyCountHint > 0 ? first.KeyCountHint : _current.Count;
        return new ManagedKeyResync(_builder.Begin(header, _current, expected), KeyPlacementsBuilder.Build(header, expected), first.Revision);
    }

    /// <summary>Swaps in the set <paramref name="resync"/> built, unless it is the revision in force already.</summary>
    public void ApplySnapshot(ManagedKeyResync resync)
    {
        ArgumentNullException.ThrowIfNull(resync);
        var now = _time.GetUtcNow();
        var applied = _state.AppliedRevision;
        var revision = resync.Revision;
        if (_state.HasSnapshot && revision == applied)
        {
            _state.Touched(now);
            return;
        }

        if (_state.HasSnapshot && revision < applied)
        {
            ClusterLog.RevisionWentBack(_logger, applied, revision);
        }

        // Built aside: the set in force kept serving until the new one is swapped in whole.
        var set = resync.Keys.Finish();
        _placements.Publish(resync.Placements);
        var evicted = _keys.ApplyManagedKeys(set.InKeyIdOrder());
        _current = set;
        _blobs.RemoveStale(set);
        DeactivateRefusedGrains(set, revision);
        Evicted(evicted, revision);
        _state.Applied(revision, set.Counts, now);
        _metrics.FeedApplied(delta: false);
        ClusterLog.RevisionApplied(_logger, revision, set.Counts.Servable, set.Counts.Denied, set.Counts.Unavailable, _datacenter);
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
