using System.Runtime.InteropServices;
using KeylessGeo.EpollFloor.Native;
using KeylessGeo.Native;
using KeylessGeo.EpollFloor.Protocol;

namespace KeylessGeo.EpollFloor.Loop;

/// <summary>
/// One dedicated thread around one level-triggered epoll set: the listener (loop 0 only), an eventfd
/// that wakes it to stop, and the connections assigned to it. Everything a connection does runs here,
/// so no connection state is shared between threads and nothing is locked. With a shared set
/// (<c>--shared-epoll</c>) every loop waits on loop 0's set and a connection, armed for one event at a
/// time, is driven by whichever loop took its event: still one thread at a time.
/// </summary>
internal sealed unsafe class EventLoop
{
    /// <summary>Epoll data word of the listening socket.</summary>
    public const ulong ListenerToken = 0;

    private const ulong WakeToken = 1;
    private const int MaxEvents = 64;

    private readonly int _wake;
    private readonly Thread _thread;
    private Listener? _listener;
    private volatile bool _stopping;

    /// <summary>Creates the loop's epoll set and wake eventfd; throws when the kernel refuses (start-up only).</summary>
    public EventLoop(int index, RequestAnswerer answerer, int sharedEpoll = -1)
    {
        Answerer = answerer;
        Epoll = sharedEpoll >= 0 ? sharedEpoll : LibC.EpollCreate(LibC.EpollCloexec);
        _wake = LibC.EventFd(0, LibC.EventFdCloexec | LibC.EventFdNonBlock);
        if (Epoll < 0 || _wake < 0 || !EpollEvents.Control(Epoll, LibC.EpollCtlAdd, _wake, LibC.EpollIn, WakeToken))
        {
            throw new InvalidOperationException($"epoll for loop {index}: errno {Marshal.GetLastSystemError()}");
        }
        _thread = new Thread(Run) { Name = $"epoll-loop-{index}", IsBackground = true };
    }

    /// <summary>This loop's epoll file descriptor; the listener registers accepted sockets into it.</summary>
    public int Epoll { get; }

    /// <summary>This loop's request answerer (its signing contexts and counters).</summary>
    public RequestAnswerer Answerer { get; }

    /// <summary>Makes this loop one that accepts; the listener joins the epoll set when <paramref name="register"/>.</summary>
    public void Accept(Listener listener, bool register = true)
    {
        _listener = listener;
        if (register && !EpollEvents.Control(Epoll, LibC.EpollCtlAdd, listener.Fd, LibC.EpollIn, ListenerToken))
        {
            throw new InvalidOperationException($"epoll: cannot add the listener: errno {Marshal.GetLastSystemError()}");
        }
    }

    public void Start() => _thread.Start();

    /// <summary>Asks the loop to stop (any thread; safe from a signal handler's thread) and wakes it.</summary>
    public void Stop()
    {
        _stopping = true;
        ulong one = 1;
        LibC.Write(_wake, &one, sizeof(ulong));
    }

    public void Join() => _thread.Join();

    private void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollEvents.Size));
        try
        {
            while (!_stopping)
            {
                // EINTR (a signal on this thread) returns -1: the loop checks _stopping and waits again.
                var ready = LibC.EpollWait(Epoll, events, MaxEvents, -1);
                for (var i = 0; i < ready; i++)
                {
                    var token = EpollEvents.Data(events, i);
                    if (token == ListenerToken)
                    {
                        _listener!.AcceptAll();
                    }
                    else if (token != WakeToken)
                    {
                        Connection.FromToken(token).Drive(Answerer);
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }
}
