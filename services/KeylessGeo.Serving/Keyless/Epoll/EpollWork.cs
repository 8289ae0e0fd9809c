namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// One item of a loop's queue: how other threads (signing workers, the timeout monitor, the budget's
/// sweeper, the host) hand work to the only thread that touches a connection. A struct, so a
/// completion costs no allocation beyond the queue's own segments.
/// </summary>
internal readonly struct EpollWork
{
    private EpollWork(EpollWorkKind kind, EpollConnection? connection, KeylessPendingSign? pending, in KeylessReply reply, KeylessCloseReason reason, Action? action)
    {
        Kind = kind;
        Connection = connection;
        Pending = pending;
        Reply = reply;
        Reason = reason;
        Action = action;
    }

    public EpollWorkKind Kind { get; }

    public EpollConnection? Connection { get; }

    /// <summary>The waiter to reuse (<see cref="EpollWorkKind.Completed"/>).</summary>
    public KeylessPendingSign? Pending { get; }

    /// <summary>The reply to write (<see cref="EpollWorkKind.Completed"/>).</summary>
    public KeylessReply Reply { get; }

    /// <summary>The limit enforced (<see cref="EpollWorkKind.Abort"/>).</summary>
    public KeylessCloseReason Reason { get; }

    /// <summary>The action (<see cref="EpollWorkKind.Invoke"/>).</summary>
    public Action? Action { get; }

    public static EpollWork Completed(EpollConnection connection, KeylessPendingSign pending, in KeylessReply reply) =>
        new(EpollWorkKind.Completed, connection, pending, reply, default, null);

    public static EpollWork Resume(EpollConnection connection) => new(EpollWorkKind.Resume, connection, null, default, default, null);

    public static EpollWork Abort(EpollConnection connection, KeylessCloseReason reason) => new(EpollWorkKind.Abort, connection, null, default, reason, null);

    public static EpollWork Invoke(Action action) => new(EpollWorkKind.Invoke, null, null, default, default, action);
}
