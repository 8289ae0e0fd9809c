using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace KeylessGeo.Keyless.Client;

/// <summary>Opens one mutually authenticated TLS connection to the key server within the connect timeout.</summary>
internal static class ConnectionDialer
{
    /// <summary>
    /// Connects (TCP, then the TLS handshake) within <see cref="KeylessClientOptions.ConnectTimeout"/>,
    /// or until <paramref name="shutdown"/>. Never throws: a failure comes back as its reason.
    /// </summary>
    public static async Task<(SslStream? Stream, string? Failure)> ConnectAsync(ClientContext context, CancellationToken shutdown)
    {
        var options = context.Options;
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, shutdown);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? ssl = null;
        string? rejection = null;
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(options.Host, options.Port), linked.Token).ConfigureAwait(false);
            ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(context.CreateTlsOptions(reason => rejection = reason), linked.Token).ConfigureAwait(false);
            return (ssl, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            var reason = timeout.IsCancellationRequested
                ? $"no TLS connection within the connect timeout ({options.ConnectTimeout.TotalMilliseconds:0} ms)"
                : shutdown.IsCancellationRequested ? "the connection was shut down"
                : rejection is not null ? $"TLS handshake failed: {rejection}"
                : Describe(ex);
            return (null, reason);
        }
    }

    /// <summary>A short reason for a transport failure (no payload bytes ever appear in these exceptions).</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SocketException socket => $"{socket.SocketErrorCode}: {socket.Message}",
        AuthenticationException tls => $"TLS handshake failed: {tls.InnerException?.Message ?? tls.Message}",
        IOException { InnerException: SocketException socket } => $"{socket.SocketErrorCode}: {socket.Message}",
        _ => ex.Message,
    };
}
