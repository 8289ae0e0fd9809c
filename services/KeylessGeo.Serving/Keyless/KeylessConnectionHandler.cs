using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Signing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Kestrel's entry point for the Keyless port: runs one <see cref="KeylessConnection"/> per
/// mutually authenticated TLS connection, under the listener's timeouts and response budget,
/// with logs and metrics around it.
/// </summary>
internal sealed class KeylessConnectionHandler : ConnectionHandler
{
    private readonly KeylessListenerServices _services;
    private readonly KeylessListenerState _state;
    private readonly KeylessConnectionMonitor _monitor;
    private readonly KeylessCloseLog _closeLog;
    private readonly ILogger<KeylessConnectionHandler> _logger;

    public KeylessConnectionHandler(
        ISigningService signing,
        IOperationSupport keyTypes,
        KeylessMetrics metrics,
        KeylessListenerState state,
        KeylessConnectionMonitor monitor,
        ResponseBudget budget,
        TimeProvider time,
        IOptions<KeylessOptions> options,
        ILogger<KeylessConnectionHandler> logger)
    {
        _services = new KeylessListenerServices(signing, keyTypes, metrics, budget, time, options.Value);
        _state = state;
        _monitor = monitor;
        _closeLog = new KeylessCloseLog(logger, options.Value, time);
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        _state.Opened();
        _services.Metrics.ConnectionOpened();
        try
        {
            LogOpened(connection);
            using var keyless = new KeylessConnection(connection.Transport, _services, message => connection.Abort(new ConnectionAbortedException(message)));
            _monitor.Add(keyless);
            try
            {
                // Server shutdown asks connections to close: stop reading, answer what was read.
                var stopping = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
                using var registration = stopping.UnsafeRegister(static state => ((KeylessConnection)state!).Stop(), keyless);
                var reason = await keyless.RunAsync().ConfigureAwait(false);
                LogClosed(connection, keyless, reason);
            }
            finally
            {
                _monitor.Remove(keyless);
            }
        }
        catch (Exception e)
        {
            KeylessLog.ConnectionFailed(_logger, connection.ConnectionId, e);
        }
        finally
        {
            _services.Metrics.ConnectionClosed();
            _state.Closed();
        }
    }

    private static string? ClientSubject(ConnectionContext connection) =>
        connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate?.Subject;

    private void LogOpened(ConnectionContext connection)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var handshake = connection.Features.Get<ITlsHandshakeFeature>();
        KeylessLog.ConnectionOpened(
            _logger,
            connection.ConnectionId,
            connection.RemoteEndPoint?.ToString(),
            handshake?.Protocol.ToString() ?? "unknown",
            handshake?.NegotiatedCipherSuite?.ToString() ?? "unknown",
            ClientSubject(connection));
    }

    private void LogClosed(ConnectionContext connection, KeylessConnection keyless, KeylessCloseReason reason) =>
        _closeLog.Closed(
            connection.ConnectionId,
            connection.RemoteEndPoint?.ToString(),
            ClientSubject(connection),
            reason,
            new KeylessCloseDetails(
                keyless.Requests,
                keyless.FramingError,
                keyless.EnforcedClose,
                keyless.TransportError?.GetType().Name,
                keyless.TransportError?.Message,
                keyless.PartialBytes,
                keyless.OverShareBytes,
                keyless.FairShare));
}
