using System.Diagnostics;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// The data directory's writer lock: <c>store.lock</c> opened with <see cref="FileShare.None"/>,
/// which .NET on Linux implements as a non-blocking exclusive <c>flock</c>. The lock belongs to the
/// open file, so it serializes writers across processes and across store instances in one
/// process alike, and the kernel releases it when a writer dies. Acquisition retries with a
/// short backoff up to a bound, then reports the store unavailable.
/// </summary>
internal static class WriterLock
{
    /// <summary>The lock file's name in the data directory (never deleted: that would split the lock).</summary>
    public const string FileName = "store.lock";

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(50);

    private static FileStreamOptions Options => new()
    {
        Mode = FileMode.OpenOrCreate,
        Access = FileAccess.ReadWrite,
        Share = FileShare.None,
        UnixCreateMode = DurableFile.FileMode,
    };

    /// <summary>Takes the lock if nobody holds it (null otherwise); dispose the result to release it.</summary>
    public static IDisposable? TryAcquire(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, FileName), Options);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Takes the lock; dispose the result to release it.</summary>
    public static async Task<IDisposable> AcquireAsync(string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        var options = Options;
        var started = Stopwatch.GetTimestamp();
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (Stopwatch.GetElapsedTime(started) >= timeout)
                {
                    throw new StoreUnavailableException($"could not take the writer lock {path} within {timeout.TotalSeconds:0.###} s: another writer holds it", e);
                }
            }

            // Real time on purpose: the store's TimeProvider stamps data, it does not pace I/O.
            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }
}
