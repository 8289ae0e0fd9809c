using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>A TCP listener that accepts connections and never reads or writes: a black-holed keyserver.</summary>
public sealed class BlackHole : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];
    private readonly CancellationTokenSource _stop = new();

    public BlackHole()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>Its address as a TLS keyserver would have it.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Connections accepted so far.</summary>
    public int Accepted
    {
        get
        {
            lock (_accepted)
            {
                return _accepted.Count;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted)
        {
            foreach (var socket in _accepted)
            {
                socket.Dispose();
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
