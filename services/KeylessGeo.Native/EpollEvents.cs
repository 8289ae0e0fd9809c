using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KeylessGeo.Native;

/// <summary>
/// Reads and writes <c>struct epoll_event</c> in native memory. The kernel packs it on x86-64 (12
/// bytes: a 32-bit event mask, then the 64-bit data word at offset 4) and aligns it elsewhere (16
/// bytes, data at offset 8), so the layout is chosen once at start-up instead of by one struct type.
/// </summary>
public static unsafe class EpollEvents
{
    /// <summary>Bytes per event in an array handed to epoll_wait.</summary>
    public static readonly int Size = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int DataOffset = Size == 12 ? 4 : 8;

    public static uint Events(byte* events, int index) => Unsafe.ReadUnaligned<uint>(events + (index * Size));

    public static ulong Data(byte* events, int index) => Unsafe.ReadUnaligned<ulong>(events + (index * Size) + DataOffset);

    /// <summary>Registers or changes <paramref name="fd"/> in <paramref name="epoll"/>; false when the kernel refused.</summary>
    public static bool Control(int epoll, int operation, int fd, uint events, ulong data)
    {
        byte* epollEvent = stackalloc byte[16];
        Unsafe.WriteUnaligned(epollEvent, events);
        Unsafe.WriteUnaligned(epollEvent + DataOffset, data);
        return LibC.EpollControl(epoll, operation, fd, epollEvent) == 0;
    }
}
