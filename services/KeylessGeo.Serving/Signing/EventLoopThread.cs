namespace KeylessGeo.Serving.Signing;

/// <summary>
/// Marks the current thread as a transport's event loop: a thread that reads, answers and writes
/// many connections itself. A signing service may run a short private-key operation (an ECDSA
/// signature, tens of microseconds) on such a thread, inline, when it has a free slot, rather than
/// hand it to a worker thread and back: two thread wake-ups per request avoided. Long operations
/// (RSA) still go to workers, so a loop never stalls its other connections for long. Threads that
/// are not marked (Kestrel's, the thread pool's) keep the worker hand-off.
/// </summary>
public static class EventLoopThread
{
    [ThreadStatic]
    private static bool t_isEventLoop;

    /// <summary>Whether the calling thread was marked with <see cref="MarkCurrent"/>.</summary>
    public static bool IsCurrent => t_isEventLoop;

    /// <summary>Marks the calling thread, for its lifetime, as an event loop.</summary>
    public static void MarkCurrent() => t_isEventLoop = true;
}
