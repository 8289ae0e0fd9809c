using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Enforces the idle and partial-message timeouts of every open Keyless connection (of either transport) with one
/// timer for the listener, rather than a timer (or a cancellation source per read) for each
/// connection: the read path only stores timestamps. A connection is closed within one
/// period (a quarter of the shorter timeout, at most a second) after its timeout expires.
/// </summary>
internal sealed class KeylessConnectionMonitor : IDisposable
{
    private readonly ConcurrentDictionary<IKeylessTimeouts, byte> _connections = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private int _ticking;

    public KeylessConnectionMonitor(TimeProvider time, IOptions<KeylessOptions> options)
    {
        _time = time;
        var keyless = options.Value;
        var shorter = keyless.IdleTimeout < keyless.PartialMessageTimeout ? keyless.IdleTimeout : keyless.PartialMessageTimeout;
        Period = TimeSpan.FromTicks(Math.Clamp(shorter.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = time.CreateTimer(static state => ((KeylessConnectionMonitor)state!).Tick(), this, Period, Period);
    }

    /// <summary>How often the timeouts are checked.</summary>
    public TimeSpan Period { get; }

    /// <summary>Connections watched now.</summary>
    public int Count => _connections.Count;

    public void Add(IKeylessTimeouts connection) => _connections.TryAdd(connection, 0);

    public void Remove(IKeylessTimeouts connection) => _connections.TryRemove(connection, out _);

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        // A late tick may overlap the next; one pass at a time is enough.
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            foreach (var (connection, _) in _connections)
            {
                connection.CheckTimeouts(now);
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }
}
