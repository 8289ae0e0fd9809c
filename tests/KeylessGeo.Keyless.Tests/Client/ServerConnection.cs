using System.Net.Security;
using System.Net.Sockets;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>One accepted TLS connection of <see cref="ProtocolFactsServer"/>; handlers write to it.</summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Socket _socket;
    private readonly SslStream _ssl;

    public ServerConnection(int number, Socket socket, SslStream ssl)
    {
        Number = number;
        _socket = socket;
        _ssl = ssl;
    }

    /// <summary>1 for the first connection the server accepted, and so on.</summary>
    public int Number { get; }

    public SslStream Stream => _ssl;

    /// <summary>Writes raw bytes (whole messages, several messages, or garbage); ignores a closed connection.</summary>
    public async Task SendAsync(byte[] bytes)
    {
        await _write.WaitAsync();
        try
        {
            await _ssl.WriteAsync(bytes);
            await _ssl.FlushAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client or the test closed the connection; the test asserts on the client side.
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Closes the TCP connection at once, without answering what is pending.</summary>
    public void Abort()
    {
        _socket.Dispose();
        _ssl.Dispose();
    }

    public void Dispose()
    {
        Abort();
        _write.Dispose();
    }
}
