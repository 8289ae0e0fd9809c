using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using KeylessGeo.Native;
using KeylessGeo.Serving.Signing;
using Microsoft.Win32.SafeHandles;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// One dedicated thread around one level-triggered epoll set: the listening socket (loop 0 only), an
/// eventfd that wakes it, and the connections assigned to it. Everything a connection does runs here,
/// so no connection state is shared between threads and nothing on the request path is locked. Other
/// threads hand it work through <see cref="Post"/>: a lock-free multi-producer queue plus one eventfd
/// write per batch (a producer writes only when the loop is not already being woken).
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    /// <summary>Epoll data word of the listening socket.</summary>
    public const ulong ListenerToken = 0;

    private const ulong WakeToken = 1;
    private const int MaxEvents = 128;

    private readonly ConcurrentQueue<EpollWork> _work = new();
    private readonly EpollConnectionTable _connections = new();
    private readonly List<EpollConnection> _dirty = [];
    private readonly EpollListenerContext _context;
    private readonly EpollTurns.Seat _turns;
    private readonly int _wake;
    private readonly SafeFileHandle _wakeHandle;
    private readonly Thread _thread;
    private EpollAcceptor? _acceptor;
    private int _wakePending;
    private volatile bool _draining;
    private volatile bool _exit;
    private volatile bool _exited;

    /// <summary>Creates the loop's epoll set and wake eventfd; throws when the kernel refuses (start-up only).</summary>
    public EpollLoop(int index, EpollListenerContext context, EpollTurns turns)
    {
        Index = index;
        _context = context;
        Epoll = LibC.EpollCreate(LibC.EpollCloexec);
        _wake = LibC.EventFd(0, LibC.EventFdCloexec | LibC.EventFdNonBlock);
        if (Epoll < 0 || _wake < 0 || !EpollEvents.Control(Epoll, LibC.EpollCtlAdd, _wake, LibC.EpollIn, WakeToken))
        {
            var errno = Marshal.GetLastSystemError();
            if (_wake >= 0)
            {
                LibC.Close(_wake);
            }

            if (Epoll >= 0)
            {
                LibC.Close(Epoll);
            }

            throw new InvalidOperationException($"Keyless epoll loop {index}: cannot create its epoll set or eventfd: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        // Posts from other threads hold a reference on it, so the eventfd is never closed (and its
        // number reused) under a late producer's write.
        _wakeHandle = new SafeFileHandle(_wake, ownsHandle: true);
        _turns = turns.Join(index, Epoll);
        _thread = new Thread(Run) { Name = $"keyless-epoll-{index}", IsBackground = true };
    }

    public int Index { get; }

    /// <summary>This loop's epoll file descriptor.</summary>
    public int Epoll { get; }

    /// <summary>Connections on this loop now (read on the loop).</summary>
    public int Connections => _connections.Count;

    /// <summary>Makes this loop the one that accepts (before <see cref="Start"/>).</summary>
    public void Accept(EpollAcceptor acceptor) => _acceptor = acceptor;

    public void Start() => _thread.Start();

    /// <summary>Queues work for the loop and wakes it (any thread).</summary>
    public void Post(in EpollWork work)
    {
        _work.Enqueue(work);
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            Wake();
        }
    }

    /// <summary>Runs <paramref name="action"/> on the loop; completes when it has run (or the loop has ended).</summary>
    public Task InvokeAsync(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_exited)
        {
            done.TrySetResult();
            return done.Task;
        }

        Post(EpollWork.Invoke(() =>
        {
            try
            {
                action();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }));
        return done.Task;
    }

    /// <summary>Adopts a connection accepted by the acceptor (on this loop).</summary>
    public void Adopt(EpollConnection connection)
    {
        if (!connection.Register(_connections.Add(connection)))
        {
            return;
        }

        if (_draining)
        {
            connection.Stop();
        }
    }

    /// <summary>Asks every connection to finish what it read and close (on the loop).</summary>
    public void StopConnections()
    {
        foreach (var connection in _connections.Snapshot())
        {
            connection.Stop();
        }
    }

    /// <summary>Closes every connection at once (on the loop).</summary>
    public void KillConnections(string reason)
    {
        foreach (var connection in _connections.Snapshot())
        {
            connection.Kill(reason);
        }
    }

    /// <summary>Ends the loop thread (connections still open are closed at once) and waits for it.</summary>
    public void Stop()
    {
        _exit = true;
        Wake();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
    }

    /// <summary>Marks the loop as draining: a connection it adopts from now on is asked to close at once.</summary>
    public void BeginDraining() => _draining = true;

    internal void Remove(ulong token) => _connections.Remove(token);

    internal void MarkDirty(EpollConnection connection) => _dirty.Add(connection);

    public void Dispose()
    {
        Stop();
        LibC.Close(Epoll);
        _wakeHandle.Dispose();
    }

    private void Wake()
    {
        var added = false;
        try
        {
            _wakeHandle.DangerousAddRef(ref added);
            ulong one = 1;
            LibC.Write(_wake, &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // The loop is gone; nothing is left to wake.
        }
        finally
        {
            if (added)
            {
                _wakeHandle.DangerousRelease();
            }
        }
    }

    private void Run()
    {
        // The signing core may run a short operation (ECDSA) here, inline, when it has a free slot:
        // the request is then read, signed and answered on this thread with no hand-off at all.
        EventLoopThread.MarkCurrent();
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollEvents.Size));
        try
        {
            while (!_exit)
            {
                // A paused acceptor (out of descriptors) retries on a timer; otherwise sleep until an event.
                var timeout = _acceptor?.RetryMilliseconds ?? -1;
                _turns.Sleeping(Stopwatch.GetTimestamp());
                var ready = LibC.EpollWait(Epoll, events, MaxEvents, timeout);
                _turns.Woke(Stopwatch.GetTimestamp());
                for (var i = 0; i < ready; i++)
                {
                    var token = EpollEvents.Data(events, i);
                    if (token == WakeToken)
                    {
                        ulong count;
                        LibC.Read(_wake, &count, sizeof(ulong));
                        Volatile.Write(ref _wakePending, 0);
                    }
                    else if (token == ListenerToken)
                    {
                        Accept(static acceptor => acceptor.AcceptAll());
                    }
                    else
                    {
                        Drive(_connections.Find(token), EpollEvents.Events(events, i));
                        TakeTurn();
                    }
                }

                Accept(static acceptor => acceptor.RetryIfDue());
                DrainWork();
                TakeTurn();
            }

            DrainWork();
            KillConnections("the listener stopped");
        }
        finally
        {
            _exited = true;
            NativeMemory.Free(events);
        }
    }

    /// <summary>After each piece of work: counts it, and gives way to a starved sibling loop when due (<see cref="EpollTurns"/>).</summary>
    private void TakeTurn()
    {
        _turns.Progressed();
        _turns.GiveWayIfDue(Stopwatch.GetTimestamp());
    }

    private void Accept(Action<EpollAcceptor> step)
    {
        if (_acceptor is not { } acceptor)
        {
            return;
        }

        try
        {
            step(acceptor);
        }
        catch (Exception e)
        {
            // Accepting failed in a way accept4's errno does not cover; the loop and its connections go on.
            EpollLog.AcceptorFailed(_context.Logger, e);
        }
    }

    private void Drive(EpollConnection? connection, uint events)
    {
        if (connection is null)
        {
            // An event for a connection closed since the kernel queued it.
            return;
        }

        try
        {
            connection.Drive(events);
        }
        catch (Exception e)
        {
            // One connection's bug never takes the loop (and every other connection on it) down.
            KeylessLog.ConnectionFailed(_context.Logger, connection.Id, e);
            connection.Kill("the connection failed unexpectedly");
        }
    }

    private void DrainWork()
    {
        while (_work.TryDequeue(out var work))
        {
            var connection = work.Connection;
            try
            {
                switch (work.Kind)
                {
                    case EpollWorkKind.Completed:
                        connection!.Completed(work.Pending!, work.Reply);
                        break;
                    case EpollWorkKind.Resume:
                        connection!.Resume();
                        break;
                    case EpollWorkKind.Abort:
                        connection!.Abort(work.Reason);
                        break;
                    default:
                        work.Action!();
                        break;
                }
            }
            catch (Exception e) when (connection is not null)
            {
                KeylessLog.ConnectionFailed(_context.Logger, connection.Id, e);
                connection.Kill("the connection failed unexpectedly");
            }
        }

        // Replies that arrived together go out together: one write per connection per batch.
        for (var i = 0; i < _dirty.Count; i++)
        {
            var connection = _dirty[i];
            try
            {
                connection.FlushDirty();
            }
            catch (Exception e)
            {
                KeylessLog.ConnectionFailed(_context.Logger, connection.Id, e);
                connection.Kill("the connection failed unexpectedly");
            }
        }

        _dirty.Clear();
    }
}
