using System.IO.Pipelines;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.KeyServer.Signing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Keyless;

/// <summary>
/// Kestrel's entry point for the Keyless port: runs one <see cref="KeylessConnection"/> per
/// mutually authenticated TLS connection, with logs and metrics around it.
/// </summary>
internal sealed class KeylessConnectionHandler : ConnectionHandler
{
    private readonly KeylessListenerServices _services;
    private readonly KeylessListenerState _state;
    private readonly ILogger<KeylessConnectionHandler> _logger;

    public KeylessConnectionHandler(
        ISigningService signing,
        KeyTypeSupport keyTypes,
        KeylessMetrics metrics,
        KeylessListenerState state,
        IOptions<KeylessOptions> options,
        ILogger<KeylessConnectionHandler> logger)
    {
        _services = new KeylessListenerServices(signing, keyTypes, metrics, options.Value.MaxInFlightPerConnection, options.Value.MaxBodyLength);
        _state = state;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        _state.Opened();
        _services.Metrics.ConnectionOpened();
        try
        {
            LogOpened(connection);
            using var keyless = new KeylessConnection(connection.Transport, _services);

            // Server shutdown asks connections to close: stop reading, answer what was read.
            var stopping = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
            using var registration = stopping.UnsafeRegister(static input => ((PipeReader)input!).CancelPendingRead(), connection.Transport.Input);
            var reason = await keyless.RunAsync().ConfigureAwait(false);
            LogClosed(connection, keyless, reason);
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

    private void LogOpened(ConnectionContext connection)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var handshake = connection.Features.Get<ITlsHandshakeFeature>();
        var client = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        KeylessLog.ConnectionOpened(
            _logger,
            connection.ConnectionId,
            connection.RemoteEndPoint?.ToString(),
            handshake?.Protocol.ToString() ?? "unknown",
            handshake?.NegotiatedCipherSuite?.ToString() ?? "unknown",
            client?.Subject);
    }

    private void LogClosed(ConnectionContext connection, KeylessConnection keyless, KeylessCloseReason reason)
    {
        if (keyless.FramingError is { } framing)
        {
            KeylessLog.FramingError(
                _logger,
                connection.ConnectionId,
                connection.RemoteEndPoint?.ToString(),
                framing.Status == KeylessFrameStatus.UnsupportedVersion ? "unsupported major version" : "body longer than the limit",
                framing.Id,
                framing.MajorVersion,
                framing.BodyLength,
                KeylessWireNames.Of(KeylessErrorMap.ForFraming(framing.Status)),
                keyless.Requests);
        }
        else if (keyless.TransportError is { } error)
        {
            KeylessLog.TransportFailed(_logger, connection.ConnectionId, error.GetType().Name, error.Message);
        }

        KeylessLog.ConnectionClosed(_logger, connection.ConnectionId, reason, keyless.Requests);
    }
}
