using System.Runtime.InteropServices;

namespace KeylessGeo.KeyServer.Tests.Keys;

/// <summary>Sends POSIX signals to a child process (libc <c>kill</c>; no extra package needed).</summary>
internal static class ProcessSignals
{
    private const int SigHup = 1;

    /// <summary>Sends SIGHUP to <paramref name="pid"/>; throws when the signal cannot be delivered.</summary>
    public static void HangUp(int pid)
    {
        if (Kill(pid, SigHup) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGHUP) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
