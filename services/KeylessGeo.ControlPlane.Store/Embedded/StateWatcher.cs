using KeylessGeo.ControlPlane.Store.Changes;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Notices commits made by other processes: a <see cref="FileSystemWatcher"/> on the data
/// directory wakes a check as soon as <c>state.json</c> is replaced, and a short poll of the
/// file's header catches anything the watcher misses (events dropped on overflow, file systems
/// without inotify). Each check publishes the revision on the store's <see cref="RevisionSignal"/>.
/// Started on the first wait, so stores nobody waits on spend nothing.
/// </summary>
internal sealed class StateWatcher : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Func<CancellationToken, Task<long>> _readRevision;
    private readonly RevisionSignal _signal;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private FileSystemWatcher? _watcher;
    private Task? _loop;

    public StateWatcher(string directory, Func<CancellationToken, Task<long>> readRevision, RevisionSignal signal, TimeSpan pollInterval, ILogger logger)
    {
        _directory = directory;
        _readRevision = readRevision;
        _signal = signal;
        _pollInterval = pollInterval;
        _logger = logger;
    }

    /// <summary>Starts watching and polling unless already started.</summary>
    public void EnsureStarted()
    {
        lock (_lock)
        {
            if (_loop is not null || _stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var watcher = new FileSystemWatcher(_directory) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
                watcher.Created += (_, _) => Wake();
                watcher.Changed += (_, _) => Wake();
                watcher.Renamed += (_, _) => Wake();
                watcher.Error += (_, e) => EmbeddedStoreLog.WatcherFailed(_logger, _directory, e.GetException());
                watcher.EnableRaisingEvents = true;
                _watcher = watcher;
            }
            catch (Exception e) when (e is IOException or PlatformNotSupportedException or ArgumentException)
            {
                // Out of inotify instances, say: polling alone still finds every commit.
                EmbeddedStoreLog.WatcherFailed(_logger, _directory, e);
            }

            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // A check is already pending, or the watcher is gone.
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failing = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _ = await _wake.WaitAsync(_pollInterval, stop).ConfigureAwait(false);
                _signal.Publish(await _readRevision(stop).ConfigureAwait(false));
                failing = false;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!failing)
                {
                    EmbeddedStoreLog.RevisionCheckFailed(_logger, _directory, e);
                    failing = true;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_lock)
        {
            _stop.Cancel();
            _watcher?.Dispose();
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        _wake.Dispose();
    }
}
