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
    private ManagedKeySet _current = ManagedKeySet.Empty;

    public ManagedKeyApplier(
        KeyStore keys, LocalWrappingKey wrappingKey, ClusterState state, ClusterMetrics metrics, KeyPlacementView placements,
        LocalKeyActivations activations, string datacenter, int pageSize, TimeProvider time, ILogger logger)
    {
        _keys = keys;
        _state = state;
        _metrics = metrics;
        _placements = placements;
        _activations = activations;
        _datacenter = datacenter;
        _pageSize = pageSize;
        _time = time;
        _logger = logger;
        _builder = new ManagedKeySetBuilder(datacenter, wrappingKey, keys.NextGeneration, logger);
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
