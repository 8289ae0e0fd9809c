using System.Runtime.InteropServices;

namespace KeylessGeo.Placement.Secrets;

/// <summary>
/// Process-level protections for a process that holds private keys or wrapping keys (the
/// keyserver and the control plane call <see cref="MakeNonDumpable"/> first thing in <c>Main</c>).
/// Linux only.
/// </summary>
public static partial class ProcessHardening
{
    private const int PrGetDumpable = 3;
    private const int PrSetDumpable = 4;
    private const int RlimitCore = 4;

    /// <summary>
    /// Makes the process non-dumpable (prctl PR_SET_DUMPABLE 0) and sets its core-file size limit
    /// to 0: no core dumps, and other processes of the same user can neither ptrace it nor open
    /// /proc/PID/mem (only a process with CAP_SYS_PTRACE, in practice root, still can). Returns
    /// false when the kernel refused either; the caller should log that.
    /// </summary>
    public static bool MakeNonDumpable()
    {
        var dumpable = SetDumpable(false);

        // PR_SET_DUMPABLE 0 already suppresses core dumps unless fs.suid_dumpable is 2; a core-file
        // size of 0 covers that case too. Only the soft limit is lowered, so a test host that calls
        // this can still be made dumpable again.
        var noCore = getrlimit(RlimitCore, out var limit) == 0;
        limit.Current = 0;
        noCore = noCore && setrlimit(RlimitCore, in limit) == 0;
        return dumpable && noCore;
    }

    /// <summary>Whether the process is currently dumpable (prctl PR_GET_DUMPABLE).</summary>
    public static bool IsDumpable() => DumpableFlag() != 0;

    /// <summary>The value prctl PR_GET_DUMPABLE reports: 0 when hardened, 1 (or 2) otherwise.</summary>
    public static int DumpableFlag() => prctl(PrGetDumpable, 0, 0, 0, 0);

    /// <summary>The soft core-file size limit in bytes (0 after <see cref="MakeNonDumpable"/>).</summary>
    public static ulong CoreFileSizeLimit() => getrlimit(RlimitCore, out var limit) == 0 ? limit.Current : ulong.MaxValue;

    /// <summary>Sets the dumpable flag (tests restore it so their host stays debuggable).</summary>
    internal static bool SetDumpable(bool dumpable) => prctl(PrSetDumpable, dumpable ? 1u : 0u, 0, 0, 0) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in ResourceLimit limit);

    /// <summary>struct rlimit (64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
