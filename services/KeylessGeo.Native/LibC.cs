using System.Runtime.InteropServices;

namespace KeylessGeo.Native;

/// <summary>
/// The libc calls of the event loop: epoll, non-blocking sockets, an eventfd to wake a loop, getrusage.
/// Every signature is blittable; calls made per request set no errno capture (the loop, like the C
/// floor, only needs "failed"); start-up calls and accept (which must tell EAGAIN from EMFILE) do.
/// </summary>
public static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int EpollCloexec = 0x80000;
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCtlMod = 3;
    public const uint EpollIn = 0x001;
    public const short PollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollOneShot = 1u << 30;
    public const int AddressFamilyInet = 2;
    public const int SockStream = 1;
    public const int SockNonBlock = 0x800;
    public const int SockCloexec = 0x80000;
    public const int SolSocket = 1;
    public const int SoReuseAddress = 2;
    public const int IpProtoTcp = 6;
    public const int TcpNoDelay = 1;
    public const int EventFdCloexec = 0x80000;
    public const int EventFdNonBlock = 0x800;
    public const int RusageSelf = 0;
    public const int ErrorInterrupted = 4;
    public const int ErrorAgain = 11;
    public const int ErrorTooManyFilesInSystem = 23;
    public const int ErrorTooManyFiles = 24;

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollControl(int epoll, int operation, int fd, byte* epollEvent);

    [LibraryImport(Library, EntryPoint = "epoll_wait")]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSocketOption(int fd, int level, int name, int* value, uint valueLength);

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, uint addressLength);

    [LibraryImport(Library, EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSocketName(int fd, byte* address, uint* addressLength);

    [LibraryImport(Library, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept(int fd, byte* address, uint* addressLength, int flags);

    [LibraryImport(Library, EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Library, EntryPoint = "read")]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write")]
    public static partial nint Write(int fd, void* buffer, nuint count);

    /// <summary><c>poll</c>: <paramref name="fds"/> is an array of <c>struct pollfd</c> (<see cref="PollFd"/>).</summary>
    [LibraryImport(Library, EntryPoint = "poll")]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "sched_yield")]
    public static partial int SchedYield();

    [LibraryImport(Library, EntryPoint = "getrusage")]
    public static partial int GetResourceUsage(int who, ResourceUsage* usage);
}
