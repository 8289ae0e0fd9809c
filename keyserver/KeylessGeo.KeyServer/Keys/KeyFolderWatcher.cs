using System.Runtime.InteropServices;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Re-reads the key folders without a restart: after a change to any of them (once they have
/// been quiet for <see cref="KeyServerOptions.ReloadDebounce"/>), on SIGHUP, and in full after
/// a watcher lost events. Every folder is re-read on every trigger, so a key moved from one
/// folder to another is never served twice nor missing in between. Reloads run one at a time on this service's own loop, never on a request
/// thread; requests keep reading the index without locks and one that already looked its key
/// up finishes with it.
/// </summary>
internal sealed class KeyFolderWatcher : BackgroundService
{
    private readonly KeyStore _keys;
    private readonly KeyServerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyFolderWatcher> _logger;
    private readonly IReadOnlyList<string> _directories;
    private readonly string _description;
    private readonly TimeSpan _debounce;

    // Completed (and replaced) whenever a trigger arrives; the loop waits on it.
    private readonly Lock _signalLock = new();
    private TaskCompletionSource _signal = NewSignal();
    private int _pending;
    private readonly List<FileSystemWatcher> _watchers = [];
    private PosixSignalRegistration? _hangup;

    public KeyFolderWatcher(
        KeyStore keys,
        KeyServerMetrics metrics,
        TimeProvider time,
        IOptions<KeyServerOptions> options,
        ILogger<KeyFolderWatcher> logger)
    {
        _keys = keys;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _directories = options.Value.AllKeysDirectories();
        _description = string.Join(", ", _directories);
        _debounce = options.Value.ReloadDebounce;
    }

    /// <summary>
    /// Asks for a re-read of the key directory (what the SIGHUP handler and the file watcher
    /// call). Returns at once; the reload follows once the directory has been quiet for the
    /// debounce period and is logged as <c>KeyDirectoryReloaded</c>.
    /// </summary>
    public void RequestReload(KeyReloadTriggers trigger)
    {
        Interlocked.Or(ref _pending, (int)trigger);
        TaskCompletionSource signal;
        lock (_signalLock)
        {
            signal = _signal;
            _signal = NewSignal();
        }

        signal.TrySetResult();
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var directory in _directories)
        {
            StartWatching(directory);
        }
        try
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // SIGHUP would end the process by default; here it means "re-read the keys".
                context.Cancel = true;
                RequestReload(KeyReloadTriggers.Signal);
            });
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGHUP on this platform: the file watcher still reloads on change.
        }

        foreach (var directory in _directories)
        {
            KeyServerLog.KeyDirectoryWatching(_logger, directory, _debounce);
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _hangup?.Dispose();
        DisposeWatchers();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _hangup?.Dispose();
        DisposeWatchers();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await CurrentSignal().WaitAsync(stoppingToken).ConfigureAwait(false);
                await WaitForQuietAsync(stoppingToken).ConfigureAwait(false);
                var trigger = (KeyReloadTriggers)Interlocked.Exchange(ref _pending, 0);
                Reload(trigger);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task CurrentSignal()
    {
        lock (_signalLock)
        {
            return _pending != 0 ? Task.CompletedTask : _signal.Task;
        }
    }

    /// <summary>Returns once no trigger has arrived for the debounce period.</summary>
    private async Task WaitForQuietAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            Task next;
            lock (_signalLock)
            {
                next = _signal.Task;
            }

            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(_debounce, _time, quiet.Token);
            var first = await Task.WhenAny(delay, next).ConfigureAwait(false);
            stoppingToken.ThrowIfCancellationRequested();
            if (first == delay)
            {
                return;
            }

            // Another change: start the quiet period again.
            await quiet.CancelAsync().ConfigureAwait(false);
        }
    }

    private void Reload(KeyReloadTriggers trigger)
    {
        var cause = trigger == KeyReloadTriggers.None ? "request" : trigger.ToString();
        try
        {
            var reload = _keys.ReloadDirectory();
            if (reload.DirectoryUnreadable)
            {
                KeyServerLog.KeyDirectoryReloadKeptLastGoodSet(_logger, _description, cause, reload.Served);
                _metrics.RecordKeyReload("unreadable");
                return;
            }

            var refused = reload.RefusedFiles.Count == 0 ? "" : "(" + string.Join(", ", reload.RefusedFiles.Select(Path.GetFileName)) + ")";
            KeyServerLog.KeyDirectoryReloaded(
                _logger, _description, cause, reload.Served, reload.Added, reload.Removed, reload.Changed, reload.RefusedFiles.Count, refused);
            // Some folders read and some not (each logged by the store): the read ones' changes apply,
            // the others keep the keys of their last good read, and the reload counts as unreadable.
            _metrics.RecordKeyReload(reload.UnreadableDirectories.Count > 0 ? "unreadable" : reload.RefusedFiles.Count == 0 ? "ok" : "refused");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The index is swapped only after a complete read, so the keys in force stay in force.
            KeyServerLog.KeyDirectoryReloadFailed(_logger, _description, cause, e);
            _metrics.RecordKeyReload("failed");
        }
    }

    private void DisposeWatchers()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }

    private void StartWatching(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes | NotifyFilters.CreationTime,
                InternalBufferSize = 64 * 1024,
            };
            FileSystemEventHandler changed = (_, _) => RequestReload(KeyReloadTriggers.Change);
            watcher.Created += changed;
            watcher.Changed += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, _) => RequestReload(KeyReloadTriggers.Change);
            watcher.Error += (_, e) =>
            {
                // Events were lost (buffer overflow): only a full re-read is sure to be right.
                KeyServerLog.KeyDirectoryWatchError(_logger, directory, e.GetException().GetType().Name);
                RequestReload(KeyReloadTriggers.WatchError);
            };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // For example the inotify instance limit: the keyserver serves, SIGHUP still reloads.
            KeyServerLog.KeyDirectoryWatchUnavailable(_logger, directory, e.GetType().Name, e.Message);
        }
    }
}
