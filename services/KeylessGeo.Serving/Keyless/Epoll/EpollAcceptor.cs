using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KeylessGeo.Native;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// The listening socket, accepted from by loop 0, which hands each new connection to the next loop in
/// turn (round-robin). Every accepted socket counts against the process's descriptor budget before
/// any TLS work, as on the Kestrel path; one over it is closed at once. When the process runs out of
/// descriptors anyway (EMFILE), accepting pauses for a short while instead of spinning on a listener
/// that stays readable.
/// </summary>
internal sealed unsafe class EpollAcceptor : IDisposable
{
    private const int RetryDelayMilliseconds = 100;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly EpollLoop _home;
    private readonly EpollLoop[] _loops;
    private readonly EpollListenerContext _context;
    private readonly Connections.LogThrottle _failureLog;
    private long _retryAt;
    private int _next;
    private bool _registered;

    private EpollAcceptor(Socket socket, EpollLoop[] loops, EpollListenerContext context)
    {
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _loops = loops;
        _home = loops[0];
        _context = context;
        _failureLog = new Connections.LogThrottle(context.Services.Time, Connections.LogThrottle.DefaultInterval);
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The address bound, with the port the kernel chose for 0.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>How long loop 0 may sleep before <see cref="RetryIfDue"/> must run; -1 when accepting is not paused.</summary>
    public int RetryMilliseconds => _retryAt == 0 ? -1 : RetryDelayMilliseconds;

    /// <summary>Binds and listens on <paramref name="endPoint"/> (an IPv6 wildcard accepts IPv4 too, as Kestrel does).</summary>
    public static EpollAcceptor Open(IPEndPoint endPoint, EpollLoop[] loops, EpollListenerContext context)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(512);
            socket.Blocking = false;
            return new EpollAcceptor(socket, loops, context);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Adds the listening socket to loop 0's epoll set (on loop 0).</summary>
    public void Register()
    {
        if (!EpollEvents.Control(_home.Epoll, LibC.EpollCtlAdd, _fd, LibC.EpollIn, EpollLoop.ListenerToken))
        {
            throw new InvalidOperationException($"Keyless epoll listener: cannot watch the listening socket: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        _registered = true;
    }

    /// <summary>Accepts until the backlog is empty, or pauses accepting when descriptors ran out.</summary>
    public void AcceptAll()
    {
        byte* address = stackalloc byte[EpollPeer.AddressSize];
        while (_registered)
        {
            var length = (uint)EpollPeer.AddressSize;
            var fd = LibC.Accept(_fd, address, &length, LibC.SockNonBlock | LibC.SockCloexec);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is LibC.ErrorTooManyFiles or LibC.ErrorTooManyFilesInSystem)
                {
                    PauseAccepting(errno);
                }

                return;
            }

            var remote = new ReadOnlySpan<byte>(address, (int)Math.Min(length, (uint)EpollPeer.AddressSize)).ToArray();
            if (!_context.Descriptors.TryAcquire())
            {
                LibC.Close(fd);
                _context.RefusedDescriptors(EpollPeer.RemoteEndPoint(remote)?.ToString());
                continue;
            }

            var one = 1;
            LibC.SetSocketOption(fd, LibC.IpProtoTcp, LibC.TcpNoDelay, &one, sizeof(int));
            var ssl = LibSsl.New(_context.Tls.DangerousGetHandle());
            if (ssl == 0 || LibSsl.SetFd(ssl, fd) != 1)
            {
                OpenSslErrors.Clear();
                LibSsl.Free(ssl);
                LibC.Close(fd);
                _context.Descriptors.Release();
                continue;
            }

            var loop = _loops[_next];
            _next = (_next + 1) % _loops.Length;
            _context.ConnectionStarted();
            var connection = new EpollConnection(loop, _context, fd, ssl, remote);
            if (loop == _home)
            {
                loop.Adopt(connection);
            }
            else
            {
                loop.Post(EpollWork.Invoke(() => loop.Adopt(connection)));
            }
        }
    }

    /// <summary>Watches the listener again once the pause is over (on loop 0).</summary>
    public void RetryIfDue()
    {
        if (_retryAt != 0 && Environment.TickCount64 >= _retryAt)
        {
            _retryAt = 0;
            Register();
        }
    }

    /// <summary>Stops accepting (on loop 0): the listening socket leaves the epoll set and is closed.</summary>
    public void Dispose()
    {
        if (_registered)
        {
            EpollEvents.Control(_home.Epoll, LibC.EpollCtlDel, _fd, 0, 0);
            _registered = false;
        }

        _retryAt = 0;
        _socket.Dispose();
    }

    private void PauseAccepting(int errno)
    {
        EpollEvents.Control(_home.Epoll, LibC.EpollCtlDel, _fd, 0, 0);
        _registered = false;
        // The machine's clock, not the listener's TimeProvider: a retry delay, not a protocol timeout.
        _retryAt = Environment.TickCount64 + RetryDelayMilliseconds;
        if (_failureLog.TryEnter(out var suppressed))
        {
            EpollLog.AcceptFailed(_context.Logger, Marshal.GetPInvokeErrorMessage(errno), RetryDelayMilliseconds, suppressed);
        }
    }
}
