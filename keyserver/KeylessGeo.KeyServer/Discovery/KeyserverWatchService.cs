using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// Drives the one shared refresh of <see cref="KeyserverWatch"/>: on every change the
/// <see cref="IKeyserverSource"/> signals (streams get a list only if theirs changed) and every
/// <see cref="DiscoveryOptions.RefreshInterval"/> (every stream gets its list again). When the
/// keyserver begins to stop, every stream gets a last list and ends, before Kestrel waits for
/// open calls to finish.
/// </summary>
/// <remarks>Without an application lifetime (tests composing services by hand) the streams end when this service stops.</remarks>
internal sealed class KeyserverWatchService(
    KeyserverWatch watch, IKeyserverSource source, IOptions<DiscoveryOptions> options, TimeProvider time, ILogger<KeyserverWatchService> logger,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = lifetime?.ApplicationStopping.Register(static state => ((KeyserverWatch)state!).Stop(), watch);
        var interval = options.Value.RefreshInterval;
        using var timer = new PeriodicTimer(interval, time);
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var watcher = WatchSourceAsync(() => changes.Writer.TryWrite(true), interval, watching.Token);
        Task<bool>? tick = null;
        Task<bool>? changed = null;
        try
        {
            while (true)
            {
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                changed ??= changes.Reader.WaitToReadAsync(stoppingToken).AsTask();
                var woke = await Task.WhenAny(tick, changed).ConfigureAwait(false);
                if (woke == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        return;
                    }

                    tick = null;
                    watch.Refresh(resend: true);
                }
                else
                {
                    await changed.ConfigureAwait(false);
                    changes.Reader.TryRead(out _);
                    changed = null;
                    watch.Refresh(resend: false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            watch.Stop();
            await watching.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }
    }

    private async Task WatchSourceAsync(Action changed, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await source.WatchAsync(changed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            // The interval still refreshes every list; only promptness is lost.
            DiscoveryLog.WatchFailed(logger, interval, e);
        }
    }
}
