namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>What an <see cref="EpollWork"/> item asks its loop to do.</summary>
internal enum EpollWorkKind
{
    /// <summary>A signing request finished on another thread: write its reply.</summary>
    Completed,

    /// <summary>What a paused connection waited for (response budget, signing capacity) happened: read again.</summary>
    Resume,

    /// <summary>Close a connection at once to enforce a limit (a timeout, the response budget).</summary>
    Abort,

    /// <summary>Run an action on the loop (accepting a connection, start and stop steps): not per request.</summary>
    Invoke,
}
