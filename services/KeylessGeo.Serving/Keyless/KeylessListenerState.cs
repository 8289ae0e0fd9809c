using System.Net;
using KestrelListenOptions = Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions;

namespace KeylessGeo.Serving.Keyless;

/// <summary>The Keyless listener seen from outside: where it listens and how many connections it serves.</summary>
public sealed class KeylessListenerState
{
    private readonly Lock _lock = new();
    private KestrelListenOptions? _listen;
    private IPEndPoint? _bound;
    private TaskCompletionSource? _noConnections;
    private int _open;

    /// <summary>The listening address with its bound port once the server has started; null when disabled.</summary>
    public IPEndPoint? EndPoint => _listen?.IPEndPoint ?? Volatile.Read(ref _bound);

    /// <summary>Connections open now (after their TLS handshake).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>Completes when no connection is open (at once if none is).</summary>
    public Task WhenNoConnectionsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_open == 0)
            {
                return Task.CompletedTask;
            }

            _noConnections ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _noConnections.Task.WaitAsync(cancellationToken);
        }
    }

    internal void Attach(KestrelListenOptions listen) => _listen = listen;

    /// <summary>Records the address a listener outside Kestrel (the epoll transport) bound.</summary>
    internal void Attach(IPEndPoint bound) => Volatile.Write(ref _bound, bound);

    internal void Opened()
    {
        lock (_lock)
        {
            _open++;
        }
    }

    internal void Closed()
    {
        lock (_lock)
        {
            if (--_open == 0)
            {
                _noConnections?.TrySetResult();
                _noConnections = null;
            }
        }
    }
}
