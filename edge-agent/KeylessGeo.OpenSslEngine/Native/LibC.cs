using System.Runtime.InteropServices;

namespace KeylessGeo.OpenSslEngine.Native;

/// <summary>
/// The libc calls behind the agent connection. Plain system calls rather than
/// <c>System.Net.Sockets</c>: no finalizers, no thread pool, nothing that needs a runtime thread
/// that a forked nginx worker does not have.
/// </summary>
internal static unsafe partial class LibC
{
    internal const int AfUnix = 1;
    internal const int SockStream = 1;
    internal const int SockNonBlock = 0x800;
    internal const int SockCloexec = 0x80000;
    internal const int MsgNoSignal = 0x4000;
    internal const short PollIn = 0x001;
    internal const short PollOut = 0x004;
    internal const int EIntr = 4;
    internal const int EAgain = 11;
    internal const int EInProgress = 115;
    internal const int SunPathLength = 108;

    [LibraryImport("libc", SetLastError = true)] internal static partial int socket(int domain, int type, int protocol);
    [LibraryImport("libc", SetLastError = true)] internal static partial int connect(int fd, byte* address, uint length);
    [LibraryImport("libc", SetLastError = true)] internal static partial nint send(int fd, byte* buffer, nint length, int flags);
    [LibraryImport("libc", SetLastError = true)] internal static partial nint recv(int fd, byte* buffer, nint length, int flags);
    [LibraryImport("libc", SetLastError = true)] internal static partial int poll(PollFd* fds, nuint count, int timeoutMs);
    [LibraryImport("libc")] internal static partial int close(int fd);
    [LibraryImport("libc")] internal static partial int getpid();

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }
}
