using System.Text;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Agent;

/// <summary>
/// One connection to the edge agent's Keyless Unix socket: a non-blocking socket driven by
/// <c>poll</c> against the operation's deadline, so the calling OpenSSL thread blocks at most
/// until then. It remembers the process that opened it, so a connection inherited over
/// <c>fork</c> is never used by the child (whose requests would interleave with the parent's).
/// </summary>
internal sealed unsafe class AgentConnection
{
    /// <summary>Room for the largest request and answer (RSA-4096 payloads, Keyless items, header).</summary>
    public const int BufferSize = 4096;

    private readonly int _fd;

    private AgentConnection(int fd)
    {
        _fd = fd;
        OwnerPid = LibC.getpid();
    }

    /// <summary>The process that opened the connection.</summary>
    public int OwnerPid { get; }

    /// <summary>Request and answer bytes, reused by every operation on this connection.</summary>
    public byte[] Buffer { get; } = new byte[BufferSize];

    /// <summary>The next request id.</summary>
    public uint NextId { get; set; } = 1;

    /// <summary>Whether the connection has carried an answer (a failure on it may be a stale, closed connection).</summary>
    public bool Reused { get; set; }

    /// <summary>Opens a connection to <paramref name="path"/>; null with <paramref name="error"/> on failure.</summary>
    public static AgentConnection? Open(string path, long deadline, out AgentStatus error)
    {
        var fd = LibC.socket(LibC.AfUnix, LibC.SockStream | LibC.SockNonBlock | LibC.SockCloexec, 0);
        if (fd < 0)
        {
            error = AgentStatus.Unreachable;
            return null;
        }

        // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
        var address = stackalloc byte[2 + LibC.SunPathLength];
        new Span<byte>(address, 2 + LibC.SunPathLength).Clear();
        *(ushort*)address = LibC.AfUnix;
        var length = Encoding.UTF8.GetBytes(path, new Span<byte>(address + 2, LibC.SunPathLength - 1));
        if (LibC.connect(fd, address, (uint)(2 + length + 1)) != 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno != LibC.EInProgress || !Wait(fd, LibC.PollOut, deadline, out error))
            {
                LibC.close(fd);
                error = errno == LibC.EInProgress ? AgentStatus.DeadlineExceeded : AgentStatus.Unreachable;
                return null;
            }
        }

        error = AgentStatus.Ok;
        return new AgentConnection(fd);
    }

    /// <summary>Writes <paramref name="length"/> bytes of <see cref="Buffer"/>.</summary>
    public AgentStatus Send(int length, long deadline)
    {
        fixed (byte* buffer = Buffer)
        {
            var sent = 0;
            while (sent < length)
            {
                var written = LibC.send(_fd, buffer + sent, length - sent, LibC.MsgNoSignal);
                if (written > 0)
                {
                    sent += (int)written;
                    continue;
                }

                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (written < 0 && errno == LibC.EIntr)
                {
                    continue;
                }

                if (written < 0 && errno == LibC.EAgain)
                {
                    if (!Wait(_fd, LibC.PollOut, deadline, out var status))
                    {
                        return status;
                    }

                    continue;
                }

                return AgentStatus.Broken;
            }
        }

        return AgentStatus.Ok;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes into <see cref="Buffer"/> at <paramref name="offset"/>.</summary>
    public AgentStatus Receive(int offset, int count, long deadline)
    {
        fixed (byte* buffer = Buffer)
        {
            var received = 0;
            while (received < count)
            {
                var read = LibC.recv(_fd, buffer + offset + received, count - received, 0);
                if (read > 0)
                {
                    received += (int)read;
                    continue;
                }

                if (read == 0)
                {
                    return AgentStatus.Broken;
                }

                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno == LibC.EIntr)
                {
                    continue;
                }

                if (errno != LibC.EAgain)
                {
                    return AgentStatus.Broken;
                }

                if (!Wait(_fd, LibC.PollIn, deadline, out var status))
                {
                    return status;
                }
            }
        }

        return AgentStatus.Ok;
    }

    /// <summary>Closes the socket and wipes the buffer, which may hold a decrypted premaster secret.</summary>
    public void Close()
    {
        Buffer.AsSpan().Clear();
        LibC.close(_fd);
    }

    private static bool Wait(int fd, short events, long deadline, out AgentStatus status)
    {
        while (true)
        {
            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                status = AgentStatus.DeadlineExceeded;
                return false;
            }

            var poll = new LibC.PollFd { Fd = fd, Events = events };
            var ready = LibC.poll(&poll, 1, (int)Math.Min(remaining, int.MaxValue));
            if (ready > 0)
            {
                status = AgentStatus.Ok;
                return true;
            }

            if (ready < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != LibC.EIntr)
            {
                status = AgentStatus.Broken;
                return false;
            }
        }
    }
}
