using System.Net;
using System.Net.Sockets;

namespace KeylessGeo.Testing;

/// <summary>Finds free TCP ports on the loopback interface.</summary>
public static class FreePort
{
    /// <summary>Returns a port that was free on 127.0.0.1 at the time of the call.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
