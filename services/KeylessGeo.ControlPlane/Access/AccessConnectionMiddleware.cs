using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>
/// Kestrel connection middleware that tags each connection with the endpoint it came in on and, for
/// the Unix socket, the peer's uid from SO_PEERCRED. A Unix connection whose credentials cannot be
/// read is closed at once.
/// </summary>
internal static class AccessConnectionMiddleware
{
    /// <summary>The middleware for connections of <paramref name="listener"/>.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> For(ListenerKind listener) => next => connection =>
    {
        CallerIdentity? peer = null;
        if (listener == ListenerKind.UnixSocket)
        {
            peer = ReadPeer(connection);
            if (peer is null)
            {
                connection.Abort(new ConnectionAbortedException("the peer credentials of the Unix socket connection could not be read"));
                return Task.CompletedTask;
            }
        }

        connection.Features.Set(new ConnectionAccessFeature(listener, peer));
        return next(connection);
    };

    private static CallerIdentity? ReadPeer(ConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return null;
        }

        try
        {
            var credentials = PeerCredentials.Read(socket);
            return CallerIdentity.FromUnixPeer(credentials.UserId, UnixAccounts.UserName(credentials.UserId));
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
