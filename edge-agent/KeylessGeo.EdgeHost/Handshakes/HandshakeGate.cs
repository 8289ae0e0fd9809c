using KeylessGeo.EdgeHost.Configuration;

namespace KeylessGeo.EdgeHost.Handshakes;

/// <summary>
/// Bounds the TLS handshakes in progress. A handshake whose key is in a keyserver blocks its thread
/// inside OpenSSL while the edge agent signs, so this bound is the number of threads handshakes can
/// hold; the process reserves that many worker threads at start. Further connections wait (without
/// a thread) for a slot, at most <see cref="HandshakeOptions.MaxQueued"/> of them and for at most
/// <see cref="HandshakeOptions.QueueTimeout"/>; beyond that a connection is closed at once, so a
/// handshake flood costs a closed socket per connection, not a thread or a signature.
/// </summary>
internal sealed class HandshakeGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly HandshakeOptions _options;
    private readonly TimeProvider _time;
    private int _queued;
    private int _inProgress;

    public HandshakeGate(HandshakeOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _slots = new SemaphoreSlim(options.MaxConcurrent, options.MaxConcurrent);
    }

    /// <summary>Raised when a handshake ends: whether it completed, and how long it held its slot.</summary>
    public event Action<bool, TimeSpan>? Finished;

    /// <summary>Raised when a connection is refused a slot, with the reason ("queue_full" or "queue_timeout").</summary>
    public event Action<string>? Refused;

    /// <summary>Handshakes in progress.</summary>
    public int InProgress => Volatile.Read(ref _inProgress);

    /// <summary>Connections waiting for a slot.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>A slot, or null when the connection is to be closed (queue full, waited too long, or it closed itself).</summary>
    public async ValueTask<HandshakeSlot?> EnterAsync(CancellationToken connectionClosed)
    {
        if (_slots.Wait(0))
        {
            return Taken();
        }

        if (Interlocked.Increment(ref _queued) > _options.MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            Refused?.Invoke("queue_full");
            return null;
        }

        // The wait's clock is the injected one, so that tests drive the queue timeout.
        using var timeout = new CancellationTokenSource(_options.QueueTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed, timeout.Token);
        try
        {
            await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
            return Taken();
        }
        catch (OperationCanceledException)
        {
            if (!connectionClosed.IsCancellationRequested)
            {
                Refused?.Invoke("queue_timeout");
            }

            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>Called once per slot by <see cref="HandshakeSlot.Finish"/>.</summary>
    internal void Release(bool completed, long started)
    {
        Interlocked.Decrement(ref _inProgress);
        _slots.Release();
        Finished?.Invoke(completed, _time.GetElapsedTime(started));
    }

    public void Dispose() => _slots.Dispose();

    private HandshakeSlot Taken()
    {
        Interlocked.Increment(ref _inProgress);
        return new HandshakeSlot(this, _time.GetTimestamp());
    }
}
