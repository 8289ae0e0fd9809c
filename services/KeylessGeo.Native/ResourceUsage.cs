using System.Runtime.InteropServices;

namespace KeylessGeo.Native;

/// <summary>Linux's <c>struct rusage</c> on 64-bit targets: two timevals, then fourteen longs.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ResourceUsage
{
    public long UserSeconds;
    public long UserMicroseconds;
    public long SystemSeconds;
    public long SystemMicroseconds;
    public long MaxResidentKilobytes;
    public long SharedMemory;
    public long UnsharedData;
    public long UnsharedStack;
    public long MinorFaults;
    public long MajorFaults;
    public long Swaps;
    public long BlockInputs;
    public long BlockOutputs;
    public long MessagesSent;
    public long MessagesReceived;
    public long Signals;
    public long VoluntarySwitches;
    public long InvoluntarySwitches;
}
