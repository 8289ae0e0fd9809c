namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// Counts a stream's responses still being computed, so the call ends only after the last one
/// is written. Starts at one for the reading loop itself; <see cref="DrainAsync"/> releases it.
/// </summary>
internal sealed class PendingResponses
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count = 1;

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
