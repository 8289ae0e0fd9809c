using KeylessGeo.Keyless.Codec;
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
    private readonly KeylessOptions _options;
    private readonly LogThrottle _partialLog;
    private readonly LogThrottle _budgetLog;
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
        _options = options.Value;
        _services = new KeylessListenerServices(signing, keyTypes, metrics, budget, time, _options);
        _state = state;
        _monitor = monitor;
        _partialLog = new LogThrottle(time, LogThrottle.DefaultInterval);
        _budgetLog = new LogThrottle(time, LogThrottle.DefaultInterval);
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

    private void LogClosed(ConnectionContext connection, KeylessConnection keyless, KeylessCloseReason reason)
    {
        var remote = connection.RemoteEndPoint?.ToString();
        long suppressed;
        switch (reason)
        {
            case KeylessCloseReason.IdleTimeout:
                KeylessLog.IdleTimeout(_logger, connection.ConnectionId, remote, _options.IdleTimeout, keyless.Requests);
                break;
            case KeylessCloseReason.PartialMessageTimeout when _partialLog.TryEnter(out suppressed):
                KeylessLog.PartialMessageTimeout(_logger, connection.ConnectionId, remote, ClientSubject(connection), _options.PartialMessageTimeout, keyless.PartialBytes, suppressed);
                break;
            case KeylessCloseReason.ResponseBudget when _budgetLog.TryEnter(out suppressed):
                KeylessLog.ResponseBudgetExceeded(
                    _logger, connection.ConnectionId, remote, ClientSubject(connection), keyless.OverShareBytes, keyless.FairShare,
                    _options.ResponseBytesBudget, _options.ResponseBudgetGracePeriod, suppressed);
                break;
            case KeylessCloseReason.FramingError when keyless.FramingError is { } framing:
                KeylessLog.FramingError(
                    _logger,
                    connection.ConnectionId,
                    remote,
                    framing.Status == KeylessFrameStatus.UnsupportedVersion ? "unsupported major version" : "body longer than the limit",
                    framing.Id,
                    framing.MajorVersion,
                    framing.BodyLength,
                    KeylessWireNames.Of(KeylessErrorMap.ForFraming(framing.Status)),
                    keyless.Requests);
                break;
            default:
                // An enforced close aborts the transport itself; that is not the client's failure.
                if (keyless.EnforcedClose is null && keyless.FramingError is null && keyless.TransportError is { } error)
                {
                    KeylessLog.TransportFailed(_logger, connection.ConnectionId, error.GetType().Name, error.Message);
                }

                break;
        }

        KeylessLog.ConnectionClosed(_logger, connection.ConnectionId, reason, keyless.Requests);
    }
}
