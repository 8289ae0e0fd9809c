namespace KeylessGeo.ControlPlane.Store.Changes;

/// <summary>
/// Lets change-feed readers wait for the next revision without polling: a store calls
/// <see cref="Publish"/> after each commit it learns about (its own, a NOTIFY, a file change).
/// </summary>
public sealed class RevisionSignal
{
    private readonly Lock _lock = new();
    private long _revision;
    private TaskCompletionSource _next = NewSource();

    /// <summary>The highest revision published so far.</summary>
    public long Revision => Volatile.Read(ref _revision);

    /// <summary>Records <paramref name="revision"/> (ignored unless newer) and wakes waiters.</summary>
    public void Publish(long revision)
    {
        TaskCompletionSource? wake = null;
        lock (_lock)
        {
            if (revision > _revision)
            {
                Volatile.Write(ref _revision, revision);
                wake = _next;
                _next = NewSource();
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>Completes with the latest revision once it is greater than <paramref name="afterRevision"/>.</summary>
    public async Task<long> WaitAsync(long afterRevision, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_lock)
            {
                if (_revision > afterRevision)
                {
                    return _revision;
                }

                next = _next.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
