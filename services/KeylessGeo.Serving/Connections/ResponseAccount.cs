namespace KeylessGeo.Serving.Connections;

/// <summary>
/// One connection's share of the <see cref="ResponseBudget"/>: the bytes reserved for its
/// responses until they are written. Reserve before reading a request, release after the
/// response is flushed (or discarded), dispose when the connection ends.
/// </summary>
public sealed class ResponseAccount : IDisposable
{
    private readonly ResponseBudget _budget;
    private readonly Action<long, long> _overShare;
    private long _bytes;
    private TaskCompletionSource? _waiter;
    private int _closed;
    private bool _waitingForBudget;
    private int _wanted;

    internal ResponseAccount(ResponseBudget budget, Action<long, long> overShare)
    {
        _budget = budget;
        _overShare = overShare;
    }

    /// <summary>Bytes reserved now.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Whether the connection waits for room in the spent budget now.</summary>
    internal bool WaitingForBudget => Volatile.Read(ref _waitingForBudget);

    /// <summary>The bytes it waits to reserve.</summary>
    internal int WantedBytes => Volatile.Read(ref _wanted);

    /// <summary>When the budget's sweeper first saw this account above its fair share (a timestamp), or 0.</summary>
    internal long OverShareSince { get; set; }

    /// <summary>Reserves <paramref name="bytes"/> unless this connection's or the process's limit forbids it.</summary>
    public ResponseReservation TryReserve(int bytes) => _budget.TryReserve(this, bytes);

    /// <summary>Gives back bytes reserved earlier (their response was written or discarded).</summary>
    public void Release(long bytes) => _budget.Release(this, bytes);

    /// <summary>
    /// Completes when a reservation of <paramref name="bytes"/> refused with
    /// <paramref name="refusal"/> may succeed: this account released bytes, or (for
    /// <see cref="ResponseReservation.BudgetFull"/>) the budget has room again or its sweeper
    /// asks waiting connections to try again. The caller then tries again.
    /// </summary>
    public async Task WaitForRoomAsync(int bytes, ResponseReservation refusal, CancellationToken cancellationToken)
    {
        var global = refusal == ResponseReservation.BudgetFull;
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        if (global)
        {
            Volatile.Write(ref _wanted, bytes);

            // Counted before the flag shows: whoever sees this account waiting (a sweep, a test)
            // must also see the budget has a waiter, or a sweep in between would skip marking.
            _budget.WaiterAdded();
            Volatile.Write(ref _waitingForBudget, true);
        }

        try
        {
            // Checked after the waiter is visible, so a release in between is not missed.
            if (_budget.CouldReserve(this, bytes))
            {
                return;
            }

            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _waiter, null);
            if (global)
            {
                Volatile.Write(ref _waitingForBudget, false);
                _budget.WaiterRemoved();
            }
        }
    }

    /// <summary>Releases whatever is still reserved and leaves the budget.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _budget.Close(this);
        }
    }

    internal long AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

    internal void Wake() => Volatile.Read(ref _waiter)?.TrySetResult();

    /// <summary>Tells the connection it held more than its share of an exhausted budget for the grace period.</summary>
    internal void OverShare(long bytes, long share) => _overShare(bytes, share);
}
