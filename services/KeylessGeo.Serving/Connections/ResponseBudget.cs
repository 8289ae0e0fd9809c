using System.Collections.Concurrent;

namespace KeylessGeo.Serving.Connections;

/// <summary>
/// A process-wide bound on the bytes of responses queued and not yet written to their sockets
/// (ping echoes included), with a per-connection cap.
/// </summary>
/// <remarks>
/// Policy: a connection reserves a request's size before reading it (a ping's echo is never
/// larger than the ping) and releases it once the response is flushed. A refused reservation
/// stops reading that connection (TCP backpressure reaches its client) until it may succeed:
/// at <see cref="PerConnectionLimit"/> until the client reads its responses; with the
/// process-wide <see cref="Limit"/> spent, until bytes are released anywhere. While some
/// connection waits for the budget, a sweeper runs every half grace period and closes each
/// connection that has held more than its fair share (<see cref="Limit"/> divided by the
/// connections holding bytes or waiting for them) for <see cref="GracePeriod"/>: a client that
/// stops reading can stall only itself, and others only for the grace period.
/// </remarks>
public sealed class ResponseBudget : IDisposable
{
    private readonly ConcurrentDictionary<ResponseAccount, byte> _accounts = new();
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private readonly long _graceTicks;
    private readonly long _wakeLevel;
    private long _total;
    private long _peak;
    private int _globalWaiters;
    private int _sweeping;
    private bool _marked;

    /// <summary>A budget of <paramref name="limit"/> bytes, at most <paramref name="perConnectionLimit"/> per connection.</summary>
    public ResponseBudget(long limit, long perConnectionLimit, TimeSpan gracePeriod, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perConnectionLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, perConnectionLimit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(gracePeriod, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        Limit = limit;
        PerConnectionLimit = perConnectionLimit;
        GracePeriod = gracePeriod;
        _time = time;
        _graceTicks = (long)(gracePeriod.TotalSeconds * time.TimestampFrequency);

        // Waiting connections are woken together once an eighth of the budget is free, not on
        // every release: one wake-up round per burst instead of one per flushed response.
        _wakeLevel = limit - (limit / 8);
        var period = TimeSpan.FromTicks(Math.Clamp(gracePeriod.Ticks / 2, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _sweeper = time.CreateTimer(static state => ((ResponseBudget)state!).Sweep(), this, period, period);
    }

    /// <summary>The bytes all connections together may hold.</summary>
    public long Limit { get; }

    /// <summary>The bytes one connection may hold.</summary>
    public long PerConnectionLimit { get; }

    /// <summary>How long a connection may hold more than its fair share of an exhausted budget.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary>Bytes reserved now, across connections.</summary>
    public long QueuedBytes => Volatile.Read(ref _total);

    /// <summary>The most bytes ever reserved at once.</summary>
    public long PeakBytes => Volatile.Read(ref _peak);

    /// <summary>Connections with an account.</summary>
    public int Connections => _accounts.Count;

    /// <summary>
    /// Opens a connection's account. <paramref name="overShare"/> (bytes held, fair share) is
    /// called from the sweeper when the connection is to be closed; it must not block.
    /// </summary>
    public ResponseAccount Open(Action<long, long> overShare)
    {
        ArgumentNullException.ThrowIfNull(overShare);
        var account = new ResponseAccount(this, overShare);
        _accounts.TryAdd(account, 0);
        return account;
    }

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    internal ResponseReservation TryReserve(ResponseAccount account, int bytes)
    {
        var own = account.Bytes;
        if (own > 0 && own + bytes > PerConnectionLimit)
        {
            return ResponseReservation.ConnectionFull;
        }

        long total;
        do
        {
            total = Volatile.Read(ref _total);
            if (total + bytes > Limit)
            {
                return ResponseReservation.BudgetFull;
            }
        }
        while (Interlocked.CompareExchange(ref _total, total + bytes, total) != total);

        account.AddBytes(bytes);
        RaisePeak(total + bytes);
        return ResponseReservation.Reserved;
    }

    internal bool CouldReserve(ResponseAccount account, int bytes)
    {
        var own = account.Bytes;
        return (own == 0 || own + bytes <= PerConnectionLimit) && Volatile.Read(ref _total) + bytes <= Limit;
    }

    internal void Release(ResponseAccount account, long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        account.AddBytes(-bytes);
        var total = Interlocked.Add(ref _total, -bytes);
        account.Wake();
        if (Volatile.Read(ref _globalWaiters) > 0 && total <= _wakeLevel)
        {
            WakeAll();
        }
    }

    internal void Close(ResponseAccount account)
    {
        _accounts.TryRemove(account, out _);
        Release(account, account.Bytes);
    }

    internal void WaiterAdded() => Interlocked.Increment(ref _globalWaiters);

    internal void WaiterRemoved() => Interlocked.Decrement(ref _globalWaiters);

    private void RaisePeak(long total)
    {
        var peak = Volatile.Read(ref _peak);
        while (total > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, total, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    private void WakeAll()
    {
        foreach (var (account, _) in _accounts)
        {
            account.Wake();
        }
    }

    /// <summary>While connections wait for the budget: marks and, after the grace period, closes those above their fair share.</summary>
    private void Sweep()
    {
        // Timer callbacks may overlap when one runs late; one sweep at a time is enough.
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            SweepOnce();
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void SweepOnce()
    {
        if (Volatile.Read(ref _globalWaiters) == 0)
        {
            if (_marked)
            {
                foreach (var (account, _) in _accounts)
                {
                    account.OverShareSince = 0;
                }

                _marked = false;
            }

            return;
        }

        // The budget is shared by the connections that hold bytes and those waiting for some.
        var competing = 0;
        foreach (var (account, _) in _accounts)
        {
            competing += account.Bytes > 0 || account.WaitingForBudget ? 1 : 0;
        }

        var share = Limit / Math.Max(1, competing);
        var now = _time.GetTimestamp();
        foreach (var (account, _) in _accounts)
        {
            var bytes = account.Bytes;
            if (bytes <= share)
            {
                account.OverShareSince = 0;
            }
            else if (account.OverShareSince == 0)
            {
                account.OverShareSince = now;
                _marked = true;
            }
            else if (now - account.OverShareSince >= _graceTicks)
            {
                account.OverShare(bytes, share);
            }
        }

        // A waiter for whom there is room tries again, so none waits forever while the total
        // hovers above the wake-up level but below what it needs.
        foreach (var (account, _) in _accounts)
        {
            if (account.WaitingForBudget && CouldReserve(account, account.WantedBytes))
            {
                account.Wake();
            }
        }
    }
}
