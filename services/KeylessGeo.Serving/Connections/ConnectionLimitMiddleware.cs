using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Connections;

/// <summary>
/// Enforces <see cref="ConnectionLimits"/> on an endpoint's authenticated connections: one over
/// the endpoint's or its client's limit is closed at once, counted and (throttled) logged.
/// </summary>
internal sealed class ConnectionLimitMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly ConnectionLimits _limits;
    private readonly ConnectionCounter _counter;
    private readonly ConnectionLimitMetrics _metrics;
    private readonly LogThrottle _throttle;
    private readonly ILogger _logger;

    public ConnectionLimitMiddleware(ConnectionDelegate next, ConnectionLimits limits, ConnectionLimitMetrics metrics, LogThrottle throttle, ILogger logger)
    {
        _next = next;
        _limits = limits;
        _counter = new ConnectionCounter(limits);
        _metrics = metrics;
        _throttle = throttle;
        _logger = logger;
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var client = ClientIdentity.Of(connection);
        var refusal = _counter.TryAcquire(client);
        if (refusal != ConnectionRefusal.None)
        {
            Refuse(connection, client, refusal);
            return;
        }

        try
        {
            await _next(connection).ConfigureAwait(false);
        }
        finally
        {
            _counter.Release(client);
        }
    }

    private void Refuse(ConnectionContext connection, string? client, ConnectionRefusal refusal)
    {
        _metrics.Refused(_limits.Endpoint, refusal);
        if (!_throttle.TryEnter(out var suppressed))
        {
            return;
        }

        var remote = connection.RemoteEndPoint?.ToString();
        if (refusal == ConnectionRefusal.Client)
        {
            ConnectionLimitLog.RefusedClient(_logger, _limits.Endpoint, remote, client, _limits.MaxConnectionsPerClient, suppressed);
        }
        else
        {
            ConnectionLimitLog.RefusedEndpoint(_logger, _limits.Endpoint, remote, client, _limits.MaxConnections, suppressed);
        }
    }
}
