using System.Net;
using System.Net.Sockets;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Free loopback ports for the demo's processes, chosen up front: each process is told its ports
/// (so the demo knows where everything listens without reading logs, which stay at Warning), and
/// all are held open together while choosing so no two are the same.
/// </summary>
public static class DemoPorts
{
    /// <summary><paramref name="count"/> distinct ports free on 127.0.0.1 right now.</summary>
    public static Queue<int> Allocate(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return new Queue<int>(listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port));
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
