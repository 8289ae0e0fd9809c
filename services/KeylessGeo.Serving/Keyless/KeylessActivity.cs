namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// When a connection last made progress, and since when a message has been half received, in
/// <see cref="TimeProvider"/> timestamps: written by the connection's reader and writer, read by
/// <see cref="KeylessConnectionMonitor"/> to enforce the idle and partial-message timeouts.
/// </summary>
internal sealed class KeylessActivity
{
    private readonly long _idleTimeout;
    private readonly long _partialTimeout;
    private long _lastProgress;
    private long _partialSince;
    private long _partialBytes;

    public KeylessActivity(long now, long idleTimeout, long partialTimeout)
    {
        _lastProgress = now;
        _idleTimeout = idleTimeout;
        _partialTimeout = partialTimeout;
    }

    /// <summary>Bytes of the incomplete message when it was last seen (for the log).</summary>
    public long PartialBytes => Volatile.Read(ref _partialBytes);

    /// <summary>New bytes arrived, or the client read a flushed response.</summary>
    public void Progressed(long now) => Volatile.Write(ref _lastProgress, now);

    /// <summary>
    /// The reader waits for more of a message of which <paramref name="bytes"/> are here. It
    /// began now if the reader just finished other frames, else when it was first seen.
    /// </summary>
    public void WaitingForRestOfMessage(long now, long bytes, bool startedNow)
    {
        if (startedNow || Volatile.Read(ref _partialSince) == 0)
        {
            Volatile.Write(ref _partialSince, now);
        }

        Volatile.Write(ref _partialBytes, bytes);
    }

    /// <summary>No message is half received (or the reader paused itself, so the client is not the one late).</summary>
    public void NoPartialMessage() => Volatile.Write(ref _partialSince, 0);

    /// <summary>The timeout that has expired at <paramref name="now"/>, if any.</summary>
    public KeylessCloseReason? Expired(long now, bool requestsAtCore)
    {
        var partial = Volatile.Read(ref _partialSince);
        if (partial != 0 && now - partial >= _partialTimeout)
        {
            return KeylessCloseReason.PartialMessageTimeout;
        }

        if (!requestsAtCore && now - Volatile.Read(ref _lastProgress) >= _idleTimeout)
        {
            return KeylessCloseReason.IdleTimeout;
        }

        return null;
    }
}
