using System.Runtime.InteropServices;

namespace KeylessGeo.Cli.Demo.Processes;

/// <summary>
/// Sends a POSIX signal to a process. .NET's <see cref="System.Diagnostics.Process.Kill()"/> only
/// sends SIGKILL; the demo stops its children with SIGTERM first so each host shuts down cleanly
/// (a keyserver hands its grains back and removes its lease).
/// </summary>
public static partial class PosixSignals
{
    /// <summary>SIGINT (2).</summary>
    public const int Interrupt = 2;

    /// <summary>SIGTERM (15).</summary>
    public const int Terminate = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when there is no such process.</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
