using System.Buffers.Binary;
using System.Runtime.InteropServices;
using KeylessGeo.EpollFloor.Native;
using KeylessGeo.Native;

namespace KeylessGeo.EpollFloor.Loop;

/// <summary>
/// The non-blocking listening socket on 127.0.0.1, accepted from by loop 0, which hands each new
/// connection to the next loop in turn (round-robin) by adding its socket to that loop's epoll set.
/// epoll_ctl is the hand-off: after it the target loop is the only thread that touches the connection.
/// </summary>
internal sealed unsafe class Listener
{
    private readonly nint _tls;
    private readonly EventLoop[] _loops;
    private readonly bool _oneShot;
    private int _next;

    private Listener(int fd, int port, nint tls, EventLoop[] loops, bool oneShot)
    {
        _oneShot = oneShot;
        Fd = fd;
        Port = port;
        _tls = tls;
        _loops = loops;
    }

    /// <summary>The listening socket.</summary>
    public int Fd { get; }

    /// <summary>The port bound (the one asked for, or the kernel's choice for 0).</summary>
    public int Port { get; }

    /// <summary>Binds and listens on 127.0.0.1:<paramref name="port"/>; null with a message in <paramref name="error"/>.</summary>
    public static Listener? Open(int port, nint tls, EventLoop[] loops, bool oneShot, out string error)
    {
        var fd = LibC.Socket(LibC.AddressFamilyInet, LibC.SockStream | LibC.SockNonBlock | LibC.SockCloexec, 0);
        var one = 1;
        byte* address = stackalloc byte[16];
        new Span<byte>(address, 16).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(address, 2), LibC.AddressFamilyInet);
        BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(address + 2, 2), (ushort)port);
        BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(address + 4, 4), 0x7F000001);
        uint length = 16;
        if (fd < 0 || LibC.SetSocketOption(fd, LibC.SolSocket, LibC.SoReuseAddress, &one, sizeof(int)) != 0 ||
            LibC.Bind(fd, address, 16) != 0 || LibC.Listen(fd, 128) != 0 || LibC.GetSocketName(fd, address, &length) != 0)
        {
            error = $"cannot listen on 127.0.0.1:{port}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
            return null;
        }
        error = string.Empty;
        return new Listener(fd, BinaryPrimitives.ReadUInt16BigEndian(new Span<byte>(address + 2, 2)), tls, loops, oneShot);
    }

    /// <summary>Accepts until the backlog is empty (EAGAIN, or a transient error the next readiness retries).</summary>
    public void AcceptAll()
    {
        while (true)
        {
            var fd = LibC.Accept(Fd, null, null, LibC.SockNonBlock | LibC.SockCloexec);
            if (fd < 0)
            {
                return;
            }
            var one = 1;
            LibC.SetSocketOption(fd, LibC.IpProtoTcp, LibC.TcpNoDelay, &one, sizeof(int));
            var ssl = LibSsl.New(_tls);
            if (ssl == 0 || LibSsl.SetFd(ssl, fd) != 1)
            {
                LibSsl.Free(ssl);
                LibC.Close(fd);
                continue;
            }
            var loop = _loops[_next];
            _next = (_next + 1) % _loops.Length;
            new Connection(fd, ssl, loop.Epoll, _oneShot).Register();
        }
    }
}
