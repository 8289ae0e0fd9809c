using System.Globalization;
using KeylessGeo.Serving.Connections;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>
/// What every connection of the epoll listener shares: the protocol services the Kestrel path uses
/// (<see cref="KeylessListenerServices"/>), its timeout monitor, listener state and logs, the
/// process's descriptor budget, the endpoint's connection limits, and the count of live
/// connections the listener's drain waits for.
/// </summary>
internal sealed class EpollListenerContext
{
    private readonly LogThrottle _limitLog;
    private readonly LogThrottle _descriptorLog;
    private readonly ILogger _limitLogger;
    private readonly ConnectionLimits _limits;
    private TaskCompletionSource? _drained;
    private long _nextId;
    private int _live;

    public EpollListenerContext(
        KeylessListenerServices services,
        EpollTlsContext tls,
        KeylessConnectionMonitor monitor,
        KeylessListenerState state,
        DescriptorBudget descriptors,
        ConnectionLimitMetrics limitMetrics,
        KeylessOptions options,
        ILoggerFactory loggers)
    {
        Services = services;
        Tls = tls;
        Monitor = monitor;
        State = state;
        Descriptors = descriptors;
        LimitMetrics = limitMetrics;
        Options = options;
        _limits = new ConnectionLimits
        {
            Endpoint = KeylessKestrelExtensions.EndpointName,
            MaxConnections = options.MaxConnections,
            MaxConnectionsPerClient = options.MaxConnectionsPerClient,
        };
        Counter = new ConnectionCounter(_limits);

        // The categories the Kestrel path logs under, so both transports' logs read and filter alike.
        Logger = loggers.CreateLogger<KeylessConnectionHandler>();
        _limitLogger = loggers.CreateLogger(typeof(ConnectionLimitsExtensions).Namespace!);
        CloseLog = new KeylessCloseLog(Logger, options, services.Time);
        _limitLog = new LogThrottle(services.Time, LogThrottle.DefaultInterval);
        _descriptorLog = new LogThrottle(services.Time, LogThrottle.DefaultInterval);
    }

    public KeylessListenerServices Services { get; }

    public EpollTlsContext Tls { get; }

    public KeylessConnectionMonitor Monitor { get; }

    public KeylessListenerState State { get; }

    public DescriptorBudget Descriptors { get; }

    public ConnectionLimitMetrics LimitMetrics { get; }

    public ConnectionCounter Counter { get; }

    public KeylessOptions Options { get; }

    public ILogger Logger { get; }

    public KeylessCloseLog CloseLog { get; }

    /// <summary>Connections accepted and not yet closed (handshakes included).</summary>
    public int Live => Volatile.Read(ref _live);

    /// <summary>A new connection's log id.</summary>
    public string NextConnectionId() => string.Create(CultureInfo.InvariantCulture, $"epoll-{Interlocked.Increment(ref _nextId)}");

    public void ConnectionStarted() => Interlocked.Increment(ref _live);

    public void ConnectionEnded()
    {
        if (Interlocked.Decrement(ref _live) == 0)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>Completes when no connection is live (the listener no longer accepts).</summary>
    public Task WhenDrainedAsync()
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        if (Live == 0)
        {
            drained.TrySetResult();
        }

        return drained.Task;
    }

    /// <summary>Counts and (throttled) logs a connection refused by the descriptor budget.</summary>
    public void RefusedDescriptors(string? remote)
    {
        LimitMetrics.Refused(_limits.Endpoint, ConnectionRefusal.Descriptors);
        if (_descriptorLog.TryEnter(out var suppressed))
        {
            ConnectionLimitLog.RefusedDescriptors(_limitLogger, _limits.Endpoint, remote, Descriptors.OpenConnections, Descriptors.MaxConnections, suppressed);
        }
    }

    /// <summary>Counts and (throttled) logs a connection refused by the endpoint's or its client's limit.</summary>
    public void RefusedLimit(string? remote, string? client, ConnectionRefusal refusal)
    {
        LimitMetrics.Refused(_limits.Endpoint, refusal);
        if (!_limitLog.TryEnter(out var suppressed))
        {
            return;
        }

        if (refusal == ConnectionRefusal.Client)
        {
            ConnectionLimitLog.RefusedClient(_limitLogger, _limits.Endpoint, remote, client, _limits.MaxConnectionsPerClient, suppressed);
        }
        else
        {
            ConnectionLimitLog.RefusedEndpoint(_limitLogger, _limits.Endpoint, remote, client, _limits.MaxConnections, suppressed);
        }
    }
}
