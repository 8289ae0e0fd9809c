using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>Hands the pre-bound <see cref="UnixSocketListener"/> to Kestrel's socket transport and disposes it with the application.</summary>
internal static class UnixSocketHosting
{
    public static void Add(WebApplicationBuilder builder, UnixSocketListener? listener)
    {
        if (listener is null)
        {
            return;
        }

        // Created by a factory, so the container disposes it (closing the socket if Kestrel never
        // took it, removing the socket file) when the application is disposed.
        builder.Services.AddSingleton(_ => listener);
        builder.Services.Configure<SocketTransportOptions>(sockets =>
        {
            var bind = sockets.CreateBoundListenSocket;
            sockets.CreateBoundListenSocket = endpoint => listener.Matches(endpoint) ? listener.Take() : bind(endpoint);
        });
    }
}
