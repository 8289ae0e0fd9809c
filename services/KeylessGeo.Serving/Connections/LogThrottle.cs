namespace KeylessGeo.Serving.Connections;

/// <summary>
/// Lets one message through per interval and counts the ones held back, so a flood of refused
/// or closed connections cannot flood the log (the counters in the metrics stay exact).
/// </summary>
internal sealed class LogThrottle
{
    /// <summary>The interval the listeners use: at most one warning of a kind per endpoint every 10 seconds.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly long _interval;
    private long _next = long.MinValue;
    private long _suppressed;

    /// <summary>Creates a throttle that lets one message through every <paramref name="interval"/>.</summary>
    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _time = time;
        _interval = (long)(interval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>
    /// True when the caller may log now; <paramref name="suppressed"/> is then the number of
    /// messages held back since the last one that went through.
    /// </summary>
    public bool TryEnter(out long suppressed)
    {
        var now = _time.GetTimestamp();
        var next = Volatile.Read(ref _next);
        if (now >= next && Interlocked.CompareExchange(ref _next, now + _interval, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
