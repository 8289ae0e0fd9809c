namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Counts a connection's requests waiting for the signing core, so the connection ends only
/// after the last one is answered, and is never idle while one waits. Starts at one for the
/// reading loop itself; <see cref="DrainAsync"/> releases it.
/// </summary>
internal sealed class KeylessPendingRequests
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count = 1;

    /// <summary>Requests waiting for the signing core now (the reading loop's own count excluded while it runs).</summary>
    public int AtCore => Math.Max(0, Volatile.Read(ref _count) - 1);

    public void Add() => Interlocked.Increment(ref _count);

    public void Done()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            _drained.TrySetResult();
        }
    }

    public Task DrainAsync()
    {
        Done();
        return _drained.Task;
    }
}
