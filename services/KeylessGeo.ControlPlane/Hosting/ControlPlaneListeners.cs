using System.Net;
using KeylessGeo.ControlPlane.Access;
using KeylessGeo.ControlPlane.Api;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// The control plane's Kestrel endpoints. Each tags its connections with how their identity is
/// known (<see cref="AccessConnectionMiddleware"/>) and zeroes the bytes it has read
/// (<see cref="ZeroingDuplexPipe"/>, after TLS so it is the plaintext that is zeroed).
/// </summary>
internal static class ControlPlaneListeners
{
    public static void Configure(KestrelServerOptions kestrel, ControlPlaneListenOptions listen, MutualTlsOptions? tls, UnixSocketListener? unixSocket)
    {
        kestrel.Limits.MaxRequestBodySize = KeyRequestReader.MaxBodyBytes;
        if (tls is not null)
        {
            kestrel.Listen(IPAddress.Parse(listen.Address), listen.Port, endpoint =>
            {
                // HTTP/1.1 only: Kestrel's HTTP/2 copies every frame into an input pipe of its own,
                // which nothing can zero; a small JSON API gains nothing from HTTP/2.
                endpoint.Protocols = HttpProtocols.Http1;
                endpoint.UseHttps(https => https.UseMutualTls(tls));
                endpoint.Use(AccessConnectionMiddleware.For(ListenerKind.MutualTls));
                endpoint.Use(ZeroingDuplexPipe.Middleware);
            });
        }

        if (unixSocket is not null)
        {
            kestrel.ListenUnixSocket(unixSocket.Path, endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http1;
                endpoint.Use(AccessConnectionMiddleware.For(ListenerKind.UnixSocket));
                endpoint.Use(ZeroingDuplexPipe.Middleware);
            });
        }

        if (listen.PlaintextPort is { } port)
        {
            // Loopback only, and read-only: whoever reaches it is anonymous.
            kestrel.Listen(IPAddress.Loopback, port, endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http1;
                endpoint.Use(AccessConnectionMiddleware.For(ListenerKind.Plaintext));
                endpoint.Use(ZeroingDuplexPipe.Middleware);
            });
        }
    }

    /// <summary>Logs each endpoint and who may use it, and warns when no identity is granted anything.</summary>
    public static void LogEndpoints(WebApplication app, ControlPlaneOptions options)
    {
        var listen = options.Listen;
        if (listen.TlsEnabled)
        {
            HostingLog.Listening(app.Logger, $"https://{listen.Address}:{listen.Port}", "mutual TLS; identity: client certificate subject");
        }

        if (listen.UnixSocket.Enabled)
        {
            HostingLog.Listening(app.Logger, "unix:" + Path.GetFullPath(listen.UnixSocket.Path), $"mode {listen.UnixSocket.Mode}; identity: peer uid");
        }

        if (listen.PlaintextPort is { } port)
        {
            HostingLog.Listening(app.Logger, $"http://127.0.0.1:{port}", "plaintext, read-only, anonymous");
        }

        if (app.Services.GetRequiredService<AccessPolicy>().IsEmpty)
        {
            AccessLog.NoGrants(app.Logger, options.Access.UnknownIdentities);
        }
    }
}
