using System.Diagnostics;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// The exclusive lock on one cluster's membership file, held for one read-modify-write: its lock
/// file opened with <see cref="FileShare.None"/>, which .NET on Linux takes as a non-blocking
/// <c>flock</c>. The lock belongs to the open file, so it excludes other processes and other
/// table instances in this process alike, and the kernel drops it when its holder dies (kill -9
/// included), so a dead keyserver never wedges the others. Taking it retries asynchronously
/// with a short backoff, up to a bound.
/// </summary>
internal static class MembershipFileLock
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(25);

    /// <summary>Takes the lock at <paramref name="lockPath"/>; dispose the result to release it.</summary>
    /// <exception cref="TimeoutException">Another holder kept it for longer than <paramref name="timeout"/>.</exception>
    public static async Task<IDisposable> AcquireAsync(string lockPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            UnixCreateMode = MembershipFile.FileMode,
        };
        var started = Stopwatch.GetTimestamp();
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (Stopwatch.GetElapsedTime(started) >= timeout)
                {
                    throw new TimeoutException($"could not lock the membership file {lockPath} within {timeout.TotalSeconds:0.###} s: another keyserver process holds it", e);
                }
            }

            // Real time on purpose: this paces file I/O between processes, it measures nothing.
            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }
}
