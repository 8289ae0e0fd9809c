using KeylessGeo.EdgeHost.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.EdgeHost.Handshakes;

/// <summary>
/// The two connection middlewares around Kestrel's TLS: <see cref="BeforeTls"/> takes a handshake
/// slot (or closes the connection), <see cref="AfterTls"/> gives it back once the handshake has
/// completed (and ends the TLS session with close_notify when the connection is done); a handshake that fails gives it back when <see cref="BeforeTls"/> sees the connection end.
/// </summary>
internal static class HandshakeGateMiddleware
{
    public static Func<ConnectionDelegate, ConnectionDelegate> BeforeTls(HandshakeGate gate, ILogger logger) => next => async connection =>
    {
        var slot = await gate.EnterAsync(connection.ConnectionClosed).ConfigureAwait(false);
        if (slot is null)
        {
            EdgeHostLog.HandshakeRefused(logger, "no handshake slot", gate.InProgress, gate.Queued);
            return;
        }

        connection.Features.Set(slot);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            slot.Finish(completed: false);
        }
    };

    public static Func<ConnectionDelegate, ConnectionDelegate> AfterTls() => next => async connection =>
    {
        connection.Features.Get<HandshakeSlot>()?.Finish(completed: true);
        await next(connection).ConfigureAwait(false);

        // Kestrel closes the socket without TLS's close_notify; clients that check (openssl
        // s_client, curl with some backends) would report a truncated response.
        if (connection.Features.Get<ISslStreamFeature>()?.SslStream is { } tls)
        {
            try
            {
                await tls.ShutdownAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The client is gone already: nothing to tell it.
            }
        }
    };
}
