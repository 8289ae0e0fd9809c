using System.Runtime.InteropServices;

namespace KeylessGeo.KeyServer.Security;

/// <summary>Process-level protections for a process that holds private keys.</summary>
public static partial class ProcessHardening
{
    private const int PrSetDumpable = 4;
    private const int PrGetDumpable = 3;

    /// <summary>
    /// Makes the process non-dumpable (prctl PR_SET_DUMPABLE 0): no core dumps, and other
    /// processes of the same user cannot ptrace it or read /proc/PID/mem. Returns false when the
    /// kernel refused; the caller should log that.
    /// </summary>
    public static bool MakeNonDumpable() => SetDumpable(false);

    /// <summary>Whether the process is currently dumpable.</summary>
    public static bool IsDumpable() => prctl(PrGetDumpable, 0, 0, 0, 0) == 1;

    /// <summary>Sets the dumpable flag (tests restore it so their host stays debuggable).</summary>
    internal static bool SetDumpable(bool dumpable) => prctl(PrSetDumpable, dumpable ? 1u : 0u, 0, 0, 0) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
