using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// What this keyserver has applied from the control-plane store: the revision, when the feed
/// last succeeded, and how many managed keys are servable, denied or unavailable here. Read by
/// the lease, the metrics and tests; written by the feed only.
/// </summary>
internal sealed class ClusterState
{
    private readonly RevisionSignal _applied = new();
    private long _revision;
    private long _lastUpdateTicks = -1;
    private ManagedKeyCounts _counts = new(0, 0, 0);

    /// <summary>The store revision whose managed keys are in force (0 before the first snapshot).</summary>
    public long AppliedRevision => Volatile.Read(ref _revision);

    /// <summary>True once a snapshot was applied.</summary>
    public bool HasSnapshot => Volatile.Read(ref _lastUpdateTicks) >= 0;

    /// <summary>When the feed last read the store successfully (a change or a resync), if ever.</summary>
    public DateTimeOffset? LastUpdate => Volatile.Read(ref _lastUpdateTicks) is var ticks and >= 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Managed keys by state, as of <see cref="AppliedRevision"/>.</summary>
    public ManagedKeyCounts Counts => Volatile.Read(ref _counts);

    /// <summary>
    /// Records an applied snapshot. A store restored to an older revision moves
    /// <see cref="AppliedRevision"/> back; waiters are woken only by revisions above the highest
    /// seen before.
    /// </summary>
    public void Applied(long revision, ManagedKeyCounts counts, DateTimeOffset now)
    {
        Volatile.Write(ref _counts, counts);
        Volatile.Write(ref _lastUpdateTicks, now.UtcTicks);
        Volatile.Write(ref _revision, revision);
        _applied.Publish(revision);
    }

    /// <summary>Records a successful read that changed nothing.</summary>
    public void Touched(DateTimeOffset now) => Volatile.Write(ref _lastUpdateTicks, now.UtcTicks);

    /// <summary>Completes once the applied revision is at least <paramref name="revision"/>.</summary>
    public Task WhenAppliedAsync(long revision, CancellationToken cancellationToken) =>
        _applied.WaitAsync(revision - 1, cancellationToken);

    /// <summary>Completes with the applied revision once it is greater than <paramref name="afterRevision"/>.</summary>
    public Task<long> WaitForNewRevisionAsync(long afterRevision, CancellationToken cancellationToken) =>
        _applied.WaitAsync(afterRevision, cancellationToken);
}
