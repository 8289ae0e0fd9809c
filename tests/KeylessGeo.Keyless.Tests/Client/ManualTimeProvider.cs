namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>
/// A clock that moves only when the test calls <see cref="Advance"/>; its timers (request
/// deadlines, connect timeouts) fire then, on the advancing thread.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _sync = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_sync)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward and runs every timer that has come due.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due = [];
        lock (_sync)
        {
            var now = Interlocked.Add(ref _ticks, by.Ticks);
            foreach (var timer in _timers)
            {
                if (timer.DueAt >= 0 && timer.DueAt <= now)
                {
                    timer.DueAt = timer.Period > 0 ? now + timer.Period : -1;
                    due.Add(timer);
                }
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt { get; set; } = -1;

        public long Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._sync)
            {
                Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? -1 : owner.GetTimestamp() + dueTime.Ticks;
            }

            if (dueTime == TimeSpan.Zero)
            {
                // A real timer due now fires at once, on another thread.
                ThreadPool.QueueUserWorkItem(_ => TryFireNow());
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._sync)
            {
                DueAt = -1;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void TryFireNow()
        {
            lock (owner._sync)
            {
                if (DueAt < 0 || DueAt > owner.GetTimestamp())
                {
                    return;
                }

                DueAt = Period > 0 ? owner.GetTimestamp() + Period : -1;
            }

            Fire();
        }
    }
}
