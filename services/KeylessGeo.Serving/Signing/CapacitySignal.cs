namespace KeylessGeo.Serving.Signing;

/// <summary>
/// A pulse raised each time a worker finishes a request. Waiters share one task per pulse, and
/// a pulse with nobody waiting costs one volatile read, so workers raise it unconditionally.
/// </summary>
public sealed class CapacitySignal
{
    private TaskCompletionSource? _next;

    /// <summary>A task that completes at the next <see cref="Pulse"/>.</summary>
    public Task NextPulse()
    {
        var current = Volatile.Read(ref _next);
        if (current is not null)
        {
            return current.Task;
        }

        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _next, fresh, null) ?? fresh).Task;
    }

    /// <summary>Completes every task handed out since the previous pulse.</summary>
    public void Pulse()
    {
        if (Volatile.Read(ref _next) is not null)
        {
            Interlocked.Exchange(ref _next, null)?.TrySetResult();
        }
    }
}
