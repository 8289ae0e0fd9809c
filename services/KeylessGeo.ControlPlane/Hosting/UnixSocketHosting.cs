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

        // Registered through a factory and resolved by the transport's options, so the container
        // owns it and disposes it with the application (closing the socket if Kestrel never took
        // it, removing the socket file).
        builder.Services.AddSingleton(_ => listener);
        builder.Services.AddOptions<SocketTransportOptions>().Configure<UnixSocketListener>((sockets, owned) =>
        {
            var bind = sockets.CreateBoundListenSocket;
            sockets.CreateBoundListenSocket = endpoint => owned.Matches(endpoint) ? owned.Take() : bind(endpoint);
        });
    }
}
