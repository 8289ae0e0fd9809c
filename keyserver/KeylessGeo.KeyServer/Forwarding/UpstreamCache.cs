using System.Collections.Concurrent;
using Polly.CircuitBreaker;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// The upstreams in use, one per endpoint, made on first use. Keyservers come and go (their
/// addresses change with every redeployment), so upstreams whose endpoint left the directory are
/// retired: their channels close once their last call ends, and the cache does not grow without
/// bound.
/// </summary>
internal sealed class UpstreamCache(Func<string, Upstream> create) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Upstream>> _upstreams = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <summary>How many upstreams are cached.</summary>
    public int Count => _upstreams.Count;

    /// <summary>The upstream of <paramref name="endpoint"/> with a reference taken; the caller releases it.</summary>
    /// <exception cref="ObjectDisposedException">The keyserver is shutting down.</exception>
    public Upstream Acquire(string endpoint)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Lazy: GetOrAdd may run its factory twice in a race, and a channel made twice would leak.
            var entry = _upstreams.GetOrAdd(endpoint, static (key, make) => new Lazy<Upstream>(() => make(key)), create);
            var upstream = entry.Value;
            if (upstream.TryAcquire())
            {
                return upstream;
            }

            // Retired between the lookup and the acquire: drop the dead entry and make a new one.
            _upstreams.TryRemove(new KeyValuePair<string, Lazy<Upstream>>(endpoint, entry));
        }
    }

    /// <summary>The circuit state of <paramref name="endpoint"/>'s upstream, or null when it has none yet (diagnostics, tests).</summary>
    public CircuitState? StateOf(string endpoint) =>
        _upstreams.TryGetValue(endpoint, out var entry) && entry.IsValueCreated ? entry.Value.Breaker.CircuitState : null;

    /// <summary>Retires every upstream whose endpoint is not in <paramref name="live"/>.</summary>
    public int Retain(IReadOnlySet<string> live)
    {
        var retired = 0;
        foreach (var (endpoint, entry) in _upstreams)
        {
            if (!live.Contains(endpoint) && _upstreams.TryRemove(new KeyValuePair<string, Lazy<Upstream>>(endpoint, entry)))
            {
                Retire(entry);
                retired++;
            }
        }

        return retired;
    }

    /// <summary>Retires every upstream; calls in flight finish on their channels, new ones fail.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var (endpoint, entry) in _upstreams)
        {
            if (_upstreams.TryRemove(new KeyValuePair<string, Lazy<Upstream>>(endpoint, entry)))
            {
                Retire(entry);
            }
        }
    }

    private static void Retire(Lazy<Upstream> entry)
    {
        // Value even when not created yet: a thread may be creating it right now, and the upstream
        // it gets must still be retired (making a channel opens no connection).
        Upstream upstream;
        try
        {
            upstream = entry.Value;
        }
        catch (ArgumentException)
        {
            return; // the endpoint never made a channel; nothing to close
        }

        upstream.Retire();
    }
}
