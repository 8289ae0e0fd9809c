using System.Runtime.InteropServices;

namespace KeylessGeo.Native;

/// <summary><c>struct pollfd</c>: the descriptor, the events asked for, the events the kernel reports.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PollFd
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
