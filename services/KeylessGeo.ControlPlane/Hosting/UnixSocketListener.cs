using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// The control plane's Unix domain socket, bound before Kestrel starts so that its file never
/// exists with the wrong permissions: the socket is bound inside a fresh owner-only directory,
/// given its group and mode there, then renamed onto the configured path (a rename is atomic, so
/// nobody can connect in between). Kestrel takes the bound socket through
/// <c>SocketTransportOptions.CreateBoundListenSocket</c>. A stale socket file (no process
/// listening) is replaced; anything else at the path is an error.
/// </summary>
internal sealed class UnixSocketListener : IDisposable
{
    private readonly ulong _inode;
    private Socket? _socket;

    private UnixSocketListener(string path, Socket socket, ulong inode)
    {
        Path = path;
        _socket = socket;
        _inode = inode;
    }

    /// <summary>The socket file's absolute path.</summary>
    public string Path { get; }

    /// <summary>Binds the socket as <paramref name="options"/> say.</summary>
    /// <exception cref="IOException">The path is taken, the group unknown, or the file system refused.</exception>
    public static UnixSocketListener Bind(UnixSocketOptions options, UnixFileMode mode, uint? group)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = System.IO.Path.GetFullPath(options.Path);
        RemoveStale(path);
        var staging = Directory.CreateDirectory(
            System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".{System.IO.Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var temporary = System.IO.Path.Combine(staging.FullName, "socket");
            socket.Bind(new UnixDomainSocketEndPoint(temporary));
            if (group is { } gid)
            {
                UnixSocketFiles.ChangeGroup(temporary, gid);
            }

            File.SetUnixFileMode(temporary, mode);
            UnixSocketFiles.Rename(temporary, path);
            return new UnixSocketListener(path, socket, UnixSocketFiles.Inspect(path).Inode);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            Directory.Delete(staging.FullName, recursive: true);
        }
    }

    /// <summary>Whether Kestrel is asking for this socket.</summary>
    public bool Matches(EndPoint endpoint) => endpoint is UnixDomainSocketEndPoint unix && unix.ToString() == Path;

    /// <summary>Hands the bound socket to Kestrel, which listens on it and closes it when it stops.</summary>
    public Socket Take() => Interlocked.Exchange(ref _socket, null) ?? throw new InvalidOperationException($"the socket {Path} was already handed to the server");

    /// <summary>Closes the socket if Kestrel never took it, and removes the socket file if it is still the one bound here.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _socket, null)?.Dispose();
        try
        {
            var (exists, isSocket, inode) = UnixSocketFiles.Inspect(Path);
            if (exists && isSocket && inode == _inode)
            {
                File.Delete(Path);
            }
        }
        catch (IOException)
        {
            // Shutting down: a socket file left behind is replaced as stale on the next start.
        }
    }

    private static void RemoveStale(string path)
    {
        var (exists, isSocket, _) = UnixSocketFiles.Inspect(path);
        if (!exists)
        {
            return;
        }

        if (!isSocket)
        {
            throw new IOException($"'{path}' exists and is not a socket; remove it or choose another path");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path); // left behind by a process that is gone
            return;
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot tell whether the socket '{path}' is in use: {ex.Message}", ex);
        }

        throw new IOException($"another process is listening on '{path}' (is a control plane already running?)");
    }
}
