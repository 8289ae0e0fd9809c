using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Serving.Connections;

/// <summary>
/// Counts each accepted connection against the process's <see cref="DescriptorBudget"/> and
/// closes it at once, before any TLS work, when the budget is spent.
/// </summary>
internal sealed class DescriptorBudgetMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly string _endpoint;
    private readonly DescriptorBudget _budget;
    private readonly ConnectionLimitMetrics _metrics;
    private readonly LogThrottle _throttle;
    private readonly ILogger _logger;

    public DescriptorBudgetMiddleware(ConnectionDelegate next, string endpoint, DescriptorBudget budget, ConnectionLimitMetrics metrics, LogThrottle throttle, ILogger logger)
    {
        _next = next;
        _endpoint = endpoint;
        _budget = budget;
        _metrics = metrics;
        _throttle = throttle;
        _logger = logger;
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (!_budget.TryAcquire())
        {
            // Returning closes the socket at once: its descriptor is free again.
            _metrics.Refused(_endpoint, ConnectionRefusal.Descriptors);
            if (_throttle.TryEnter(out var suppressed))
            {
                ConnectionLimitLog.RefusedDescriptors(_logger, _endpoint, connection.RemoteEndPoint?.ToString(), _budget.OpenConnections, _budget.MaxConnections, suppressed);
            }

            return;
        }

        try
        {
            await _next(connection).ConfigureAwait(false);
        }
        finally
        {
            _budget.Release();
        }
    }
}
