using System.Net;
using System.Net.Sockets;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>Plain TCP connections that send nothing: what the descriptor budget must refuse before any TLS work.</summary>
internal static class SocketFlood
{
    /// <summary>Opens <paramref name="count"/> TCP connections to <paramref name="endPoint"/> at once and waits until the server has closed every one.</summary>
    public static async Task FloodAsync(IPEndPoint endPoint, int count, CancellationToken cancellationToken)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(endPoint, cancellationToken);
            }

            await Task.WhenAll(sockets.Select(async socket =>
            {
                try
                {
                    // End of stream: the server closed it (refused by the descriptor budget).
                    Assert.Equal(0, await socket.ReceiveAsync(new byte[1], cancellationToken));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // Closed with unread data: a reset is a close too.
                }
            }));
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }
    }
}
