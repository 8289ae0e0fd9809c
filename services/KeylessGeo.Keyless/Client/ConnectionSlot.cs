namespace KeylessGeo.Keyless.Client;

/// <summary>
/// One place in the pool: the current connection (created lazily) and the reconnection
/// backoff after failures. A slot in backoff takes no new connection until its time comes.
/// </summary>
internal sealed class ConnectionSlot
{
    private readonly ClientContext _context;
    private readonly object _sync = new();
    private KeylessConnection? _current;
    private long _retryAt;
    private int _failures;

    public ConnectionSlot(ClientContext context) => _context = context;

    /// <summary>The current connection (connecting or open), or null.</summary>
    public KeylessConnection? Current => Volatile.Read(ref _current);

    /// <summary>True while a reconnection must wait.</summary>
    public bool IsBackingOff(long now) => now < Volatile.Read(ref _retryAt);

    /// <summary>The current connection, or a new one started now (replacing one that has closed).</summary>
    public KeylessConnection Open()
    {
        var current = Current;
        if (current is { IsClosed: false })
        {
            return current;
        }

        var created = new KeylessConnection(_context, this);
        var raced = Interlocked.CompareExchange(ref _current, created, current);
        if (raced != current)
        {
            return raced ?? Open();
        }

        created.Start();
        if (_context.IsDisposed)
        {
            // DisposeAsync may have swept the slots before this connection was published.
            created.Fail("the client was disposed", connectFailed: false);
        }

        return created;
    }

    /// <summary>
    /// Records the end of <paramref name="connection"/> and frees the slot. A failure (connect
    /// error, or a connection that ended before any response) doubles the backoff; a connection
    /// that had served responses resets it. Returns the delay before the next attempt.
    /// </summary>
    public TimeSpan OnClosed(KeylessConnection connection, bool failure, string reason)
    {
        var delay = TimeSpan.Zero;
        lock (_sync)
        {
            _context.LastFailure = reason;
            if (failure)
            {
                _failures++;
                var options = _context.Options;
                delay = ReconnectBackoff.Delay(_failures, options.ReconnectBackoffInitial, options.ReconnectBackoffMax, _context.Jitter());
                var time = _context.Time;
                Volatile.Write(ref _retryAt, time.GetTimestamp() + (long)(delay.TotalSeconds * time.TimestampFrequency));
            }
            else
            {
                _failures = 0;
                Volatile.Write(ref _retryAt, 0);
            }
        }

        // The backoff is in place before the slot looks empty, so no request reconnects early.
        Interlocked.CompareExchange(ref _current, null, connection);
        return delay;
    }
}
