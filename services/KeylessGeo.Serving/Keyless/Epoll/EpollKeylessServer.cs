using System.Net;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// The Keyless port on the epoll transport (<c>Keyless:Transport epoll</c>): binds the endpoint Kestrel
/// would, runs <see cref="KeylessOptions.ResolvedEpollLoops"/> event loops, and on host stop drains:
/// stops accepting, lets every connection answer what it read and close, and closes whatever is
/// left when the host's stop timeout runs out. Owns every native resource it made.
/// </summary>
internal sealed class EpollKeylessServer : IHostedService, IDisposable
{
    private readonly IPEndPoint _endPoint;
    private readonly EpollListenerContext _context;
    private readonly int _loopCount;
    private EpollLoop[] _loops = [];
    private EpollAcceptor? _acceptor;
    private int _disposed;

    public EpollKeylessServer(
        IPEndPoint endPoint,
        EpollTlsContext tls,
        ISigningService signing,
        IOperationSupport keyTypes,
        KeylessMetrics metrics,
        KeylessListenerState state,
        KeylessConnectionMonitor monitor,
        ResponseBudget budget,
        DescriptorBudget descriptors,
        ConnectionLimitMetrics limitMetrics,
        TimeProvider time,
        IOptions<KeylessOptions> options,
        ILoggerFactory loggers)
    {
        _endPoint = endPoint;
        var keyless = options.Value;
        _loopCount = keyless.ResolvedEpollLoops;
        var services = new KeylessListenerServices(signing, keyTypes, metrics, budget, time, keyless);
        _context = new EpollListenerContext(services, tls, monitor, state, descriptors, limitMetrics, keyless, loggers);
    }

    /// <summary>The address bound once started.</summary>
    public IPEndPoint? EndPoint => _acceptor?.EndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var loops = new EpollLoop[_loopCount];
        var turns = new EpollTurns(_loopCount);
        try
        {
            for (var i = 0; i < loops.Length; i++)
            {
                loops[i] = new EpollLoop(i, _context, turns);
            }

            _acceptor = EpollAcceptor.Open(_endPoint, loops, _context);
            loops[0].Accept(_acceptor);
        }
        catch
        {
            _acceptor?.Dispose();
            foreach (var loop in loops)
            {
                loop?.Dispose();
            }

            throw;
        }

        _loops = loops;
        foreach (var loop in loops)
        {
            loop.Start();
        }

        await loops[0].InvokeAsync(_acceptor.Register).ConfigureAwait(false);
        _context.State.Attach(_acceptor.EndPoint);
        EpollLog.Listening(_context.Logger, _acceptor.EndPoint.ToString(), loops.Length);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loops.Length == 0)
        {
            return;
        }

        if (_acceptor is { } acceptor)
        {
            await _loops[0].InvokeAsync(acceptor.Dispose).ConfigureAwait(false);
        }

        var drained = _context.WhenDrainedAsync();
        var asked = 0;
        foreach (var loop in _loops)
        {
            loop.BeginDraining();
            await loop.InvokeAsync(() =>
            {
                asked += loop.Connections;
                loop.StopConnections();
            }).ConfigureAwait(false);
        }

        EpollLog.Draining(_context.Logger, asked);
        try
        {
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            EpollLog.DrainTimedOut(_context.Logger, _context.Live);
        }

        Dispose();
    }

    /// <summary>Ends the loops (closing any connection still open), then frees the loops' descriptors.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Threads first: once they have ended, nothing touches the listener or the epoll sets.
        foreach (var loop in _loops)
        {
            loop.Stop();
        }

        _acceptor?.Dispose();
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }

        _loops = [];
    }
}
