using System.Runtime.InteropServices;

namespace KeylessGeo.Serving.Connections;

/// <summary>The process's open-file limit (RLIMIT_NOFILE) and descriptor count, from the kernel.</summary>
internal static partial class OpenFileLimit
{
    /// <summary>RLIM_INFINITY.</summary>
    public const ulong Unlimited = ulong.MaxValue;

    private const int RlimitNofile = 7;

    /// <summary>Reads the soft and hard limits; false where the kernel does not say (not Linux).</summary>
    public static bool TryGet(out ulong soft, out ulong hard)
    {
        soft = hard = Unlimited;
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return false;
        }

        (soft, hard) = (limit.Current, limit.Maximum);
        return true;
    }

    /// <summary>
    /// Raises the soft limit to the hard limit, as the Go runtime does for its servers: the soft
    /// limit exists for programs that use select(2), which .NET does not. False when it was
    /// already there or the kernel refused.
    /// </summary>
    public static bool TryRaiseSoftLimit(out ulong before, out ulong after)
    {
        after = before = Unlimited;
        if (!TryGet(out before, out var hard) || before >= hard)
        {
            after = before;
            return false;
        }

        var raised = new RLimit { Current = hard, Maximum = hard };
        if (setrlimit(RlimitNofile, in raised) != 0)
        {
            after = before;
            return false;
        }

        after = hard;
        return true;
    }

    /// <summary>Descriptors open now (entries of /proc/self/fd), or -1 where that cannot be read.</summary>
    public static int CountOpen()
    {
        try
        {
            // The enumeration's own directory descriptor is counted too: one too many is harmless.
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
