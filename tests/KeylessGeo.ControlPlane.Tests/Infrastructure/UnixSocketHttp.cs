using System.Net.Sockets;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>HTTP clients that reach the control plane through its Unix domain socket.</summary>
public static class UnixSocketHttp
{
    /// <summary>A client whose every connection goes to <paramref name="socketPath"/>.</summary>
    public static HttpClient Create(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri("http://localhost/"),
        Timeout = TimeSpan.FromSeconds(60),
    };
}
