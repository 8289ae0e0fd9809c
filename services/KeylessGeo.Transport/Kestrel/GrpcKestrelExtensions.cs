using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeylessGeo.Transport.Kestrel;

/// <summary>
/// Kestrel endpoints for the gRPC server: HTTP/2 only, mutual TLS, plaintext only on loopback or a
/// Unix socket. What a server adds around TLS (connection limits and the like) comes in through
/// <see cref="GrpcListenOptions.BeforeTls"/> and <see cref="GrpcListenOptions.AfterTls"/>, so this
/// library knows nothing of it.
/// </summary>
public static class GrpcKestrelExtensions
{
    /// <summary>Adds the endpoints described by <paramref name="options"/>; throws when they are unsafe or incomplete.</summary>
    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions kestrel, GrpcListenOptions options)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        if (options.TlsEndpoint is null && options.PlaintextEndpoint is null && options.UnixSocketPath is null)
        {
            throw new InvalidOperationException("No gRPC endpoint is configured: set TlsEndpoint, PlaintextEndpoint or UnixSocketPath.");
        }

        if (options.TlsEndpoint is { } tls)
        {
            var mtls = options.MutualTls
                ?? throw new InvalidOperationException($"The TLS endpoint {tls} needs MutualTls (server certificate and trusted client CA).");
            kestrel.Listen(tls, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                options.BeforeTls?.Invoke(listen, GrpcEndpointKind.MutualTls);
                listen.UseHttps(https => https.UseMutualTls(mtls));
                options.AfterTls?.Invoke(listen, GrpcEndpointKind.MutualTls);
            });
        }

        if (options.PlaintextEndpoint is { } plain)
        {
            if (!System.Net.IPAddress.IsLoopback(plain.Address))
            {
                throw new InvalidOperationException(
                    $"Plaintext gRPC endpoint {plain} is not a loopback address; plaintext HTTP/2 is allowed only on loopback or a Unix socket.");
            }

            kestrel.Listen(plain, listen => Plaintext(listen, options, GrpcEndpointKind.Plaintext));
        }

        if (options.UnixSocketPath is { } socket)
        {
            kestrel.ListenUnixSocket(socket, listen => Plaintext(listen, options, GrpcEndpointKind.UnixSocket));
        }

        return kestrel;
    }

    /// <summary>The addresses the server bound (with real ports), available once it has started.</summary>
    public static IReadOnlyList<Uri> GetBoundAddresses(this IServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var feature = server.Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("The server does not expose its addresses.");
        var addresses = new List<Uri>();
        foreach (var address in feature.Addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                addresses.Add(uri);
            }
        }

        return addresses;
    }

    private static void Plaintext(ListenOptions listen, GrpcListenOptions options, GrpcEndpointKind kind)
    {
        listen.Protocols = HttpProtocols.Http2;
        options.BeforeTls?.Invoke(listen, kind);
        options.AfterTls?.Invoke(listen, kind);
    }
}
