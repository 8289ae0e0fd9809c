using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace KeylessGeo.StackFloor;

/// <summary>
/// Layer 1: a raw <see cref="Socket"/> and <see cref="SslStream"/>. One async receive loop per
/// connection answers every whole frame it has and writes each response with its own
/// <see cref="SslStream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> (one TLS record, as the
/// C floor's <c>SSL_write</c>). Buffers are made once per connection.
/// </summary>
internal sealed class SocketFloor(FloorKeys keys, FloorTls tls, FloorCounters counters)
{
    private const int InCapacity = 2 * KeylessExchange.MaxFrame;

    private Socket? _listener;

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0 picks one) and returns the port.</summary>
    public int Bind(int port)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(128);
        return ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    /// <summary>Accepts connections until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var listener = _listener ?? throw new InvalidOperationException("Bind first.");
        using var registration = stopping.Register(listener.Dispose);
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            _ = ServeAsync(socket, stopping);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var input = new byte[InCapacity];
        var output = new byte[KeylessExchange.MaxFrame];
        await using var stream = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await stream.AuthenticateAsServerAsync(tls.ServerOptions(), stopping).ConfigureAwait(false);
            int start = 0, end = 0;
            while (true)
            {
                var got = await stream.ReadAsync(input.AsMemory(end), stopping).ConfigureAwait(false);
                if (got == 0)
                {
                    return;
                }

                end += got;
                while (end - start >= KeylessExchange.Header)
                {
                    var header = input.AsSpan(start, KeylessExchange.Header);
                    if (KeylessExchange.IsBadVersion(header))
                    {
                        var length = KeylessExchange.VersionError(header, output, counters);
                        await stream.WriteAsync(output.AsMemory(0, length), stopping).ConfigureAwait(false);
                        return;
                    }

                    var frameLength = KeylessExchange.Header + KeylessExchange.BodyLength(header);
                    if (end - start < frameLength)
                    {
                        break;
                    }

                    var answer = KeylessExchange.Answer(input.AsSpan(start, frameLength), keys, counters, output);
                    start += frameLength;
                    await stream.WriteAsync(output.AsMemory(0, answer), stopping).ConfigureAwait(false);
                }

                // Keep room for one whole frame after any partial one.
                if (start == end)
                {
                    start = end = 0;
                }
                else if (InCapacity - end < KeylessExchange.MaxFrame)
                {
                    input.AsSpan(start, end - start).CopyTo(input);
                    end -= start;
                    start = 0;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or failed the handshake: only this connection ends.
        }
    }
}
