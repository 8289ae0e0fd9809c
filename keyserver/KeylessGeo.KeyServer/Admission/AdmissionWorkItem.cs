using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Admission;

/// <summary>
/// One unit of CPU-bound work waiting for a worker. Exactly one of <see cref="Execute"/>,
/// <see cref="Expire"/> or a cancellation (<see cref="TryAbandon"/>) happens to each item.
/// </summary>
internal abstract class AdmissionWorkItem
{
    private const int Pending = 0;
    private const int Claimed = 1;
    private const int Abandoned = 2;
    private int _state;

    protected AdmissionWorkItem(KeyAlgorithm algorithm, DateTimeOffset deadline)
    {
        Algorithm = algorithm;
        Deadline = deadline;
    }

    /// <summary>The algorithm, used to predict how long the work takes.</summary>
    public KeyAlgorithm Algorithm { get; }

    /// <summary>The work must start before this instant or it is expired unexecuted.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>The TimeProvider timestamp at which the item entered the queue.</summary>
    internal long EnqueuedTimestamp { get; set; }

    /// <summary>Runs the work on a worker thread. Must not throw.</summary>
    public abstract void Execute(TimeSpan queueWait);

    /// <summary>Reports that the deadline passed before a worker was free. Must not throw.</summary>
    public abstract void Expire(TimeSpan queueWait);

    /// <summary>
    /// Delivers the outcome of <see cref="Execute"/> or <see cref="Expire"/> to the caller. The
    /// worker calls it after its own bookkeeping (load counters, service-time estimate), so a
    /// caller that sees its response also sees it counted. Must not throw.
    /// </summary>
    public abstract void Publish();

    /// <summary>A worker takes the item; false when it was abandoned while queued.</summary>
    internal bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Pending) == Pending;

    /// <summary>Marks a queued item as abandoned (cancelled); false when a worker already took it.</summary>
    protected bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Pending) == Pending;
}
