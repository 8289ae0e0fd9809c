using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// The credentials the kernel recorded for the process at the other end of a Unix domain socket
/// when it connected (SO_PEERCRED): they cannot be forged by the peer.
/// </summary>
/// <param name="ProcessId">The peer's pid at connect time.</param>
/// <param name="UserId">The peer's effective uid.</param>
/// <param name="GroupId">The peer's effective gid.</param>
public readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    // Linux: SOL_SOCKET = 1, SO_PEERCRED = 17 (x86-64 and arm64); struct ucred { pid_t; uid_t; gid_t; }.
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>Reads the peer credentials of a connected Unix domain socket.</summary>
    /// <exception cref="SocketException">The kernel did not report them (not a Unix socket).</exception>
    public static PeerCredentials Read(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> ucred = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (length != ucred.Length)
        {
            throw new SocketException((int)SocketError.ProtocolOption);
        }

        return new PeerCredentials(
            MemoryMarshal.Read<int>(ucred),
            MemoryMarshal.Read<uint>(ucred[4..]),
            MemoryMarshal.Read<uint>(ucred[8..]));
    }
}
