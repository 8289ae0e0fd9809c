using System.Runtime.CompilerServices;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.Policy.Topology;
using KeylessGeo.Serving.Discovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// Serves every <c>WatchKeyservers</c> stream from one shared refresh: <see cref="Refresh"/> (driven
/// by <see cref="KeyserverWatchService"/> on each change signal and each refresh interval) reads
/// the <see cref="IKeyserverSource"/> once and offers each open stream its datacenter's part, which
/// the stream sends only if it changed, or always on the periodic re-send. Offering never waits on
/// a stream (see <see cref="KeyserverWatcher"/>). <see cref="Stop"/> sends every stream a last list
/// (this keyserver no longer serving) and ends it, so open streams never hold up shutdown.
/// </summary>
internal sealed class KeyserverWatch : IKeyserverWatch
{
    private readonly IKeyserverSource _source;
    private readonly ServedBy _servedBy;
    private readonly ILogger<KeyserverWatch> _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<KeyserverWatcher> _watchers = [];
    private KnownKeyservers? _known;
    private bool _stopped;

    public KeyserverWatch(IKeyserverSource source, IOptions<KeyServerOptions> options, ILogger<KeyserverWatch> logger)
    {
        _source = source;
        _servedBy = new ServedBy { KeyserverId = options.Value.Id, Datacenter = options.Value.Datacenter };
        _logger = logger;
    }

    /// <summary>Streams open now.</summary>
    public int Watchers
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<KeyserverList> WatchAsync(WatchKeyserversRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var watcher = Subscribe(request.Datacenter);
        ulong version = 0;
        try
        {
            while (await watcher.WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                while (watcher.TryTake(out var keyservers))
                {
                    // Numbered when sent, not when offered: a list replaced before it went out takes no number.
                    var list = new KeyserverList { Version = ++version, ServedBy = _servedBy };
                    list.Keyservers.AddRange(keyservers);
                    yield return list;
                }
            }
        }
        finally
        {
            int open;
            lock (_lock)
            {
                _watchers.Remove(watcher);
                open = _watchers.Count;
            }

            DiscoveryLog.WatchEnded(_logger, watcher.Datacenter, version, open);
        }
    }

    /// <summary>
    /// Reads the source and offers every stream its list: those whose list changed get it; with
    /// <paramref name="resend"/> every stream gets it (the periodic re-send).
    /// </summary>
    public void Refresh(bool resend)
    {
        lock (_lock)
        {
            if (!_stopped)
            {
                RefreshLocked(resend);
            }
        }
    }

    /// <summary>Sends every open stream a last list and ends it; streams opened later are refused.</summary>
    public void Stop()
    {
        int ended;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            RefreshLocked(resend: false);
            foreach (var watcher in _watchers)
            {
                watcher.Complete();
            }

            ended = _watchers.Count;
        }

        DiscoveryLog.WatchesStopped(_logger, ended);
    }

    private KeyserverWatcher Subscribe(string requested)
    {
        var datacenter = requested.Length == 0 ? _source.OwnDatacenter : requested;
        if (requested.Length > 0 && requested != _source.OwnDatacenter && !NameSyntax.IsDatacenterId(requested))
        {
            throw new RpcException(new Status(
                StatusCode.InvalidArgument,
                $"WatchKeyserversRequest.datacenter must be a datacenter id (1-{NameSyntax.MaxLength} characters of a-z, 0-9 and '-'), or empty for this keyserver's own."));
        }

        KeyserverWatcher watcher;
        int open;
        lock (_lock)
        {
            if (_stopped)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "This keyserver is stopping; watch another one."));
            }

            // A fresh read for the new stream; the others are offered it too, but only take it if it changed.
            var known = RefreshLocked(resend: false)
                ?? throw new RpcException(new Status(StatusCode.Unavailable, "This keyserver cannot list keyservers yet; its log says why."));
            if (!known.Knows(datacenter))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"No datacenter '{datacenter}' is known to keyserver '{_servedBy.KeyserverId}'."));
            }

            watcher = new KeyserverWatcher(datacenter);
            watcher.Offer(known, resend: true);
            _watchers.Add(watcher);
            open = _watchers.Count;
        }

        DiscoveryLog.WatchStarted(_logger, datacenter, open);
        return watcher;
    }

    private KnownKeyservers? RefreshLocked(bool resend)
    {
        try
        {
            _known = _source.Read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Everything read is in memory, so this is a bug rather than an outage: the last list
            // stays the best answer, the streams stay open, and the keyserver keeps serving.
            DiscoveryLog.ReadFailed(_logger, e);
        }

        if (_known is { } known)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Offer(known, resend);
            }
        }

        return _known;
    }
}
