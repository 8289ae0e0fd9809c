using System.Collections.Concurrent;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// A bounded pool of <see cref="PendingRequest"/> instances, so that a request costs no
/// allocation in steady state (the queue's ring buffer is reused once it has grown).
/// </summary>
internal sealed class PendingRequestPool
{
    private readonly ConcurrentQueue<PendingRequest> _items = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private int _count;

    public PendingRequestPool(TimeProvider time, int capacity)
    {
        _time = time;
        _capacity = capacity;
    }

    /// <summary>A pooled instance, or a new one when the pool is empty.</summary>
    public PendingRequest Rent()
    {
        if (_items.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }

        return new PendingRequest(this, _time);
    }

    /// <summary>Returns an instance whose result has been read; drops it when the pool is full.</summary>
    public void Return(PendingRequest item)
    {
        if (Interlocked.Increment(ref _count) <= _capacity)
        {
            _items.Enqueue(item);
            return;
        }

        Interlocked.Decrement(ref _count);
        item.DisposeTimer();
    }
}
