using System.Net;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Keyless;

/// <summary>Adds the Keyless protocol endpoint to Kestrel.</summary>
public static class KeylessKestrelExtensions
{
    /// <summary>The endpoint's name in connection-limit metrics and logs.</summary>
    public const string EndpointName = "keyless";

    /// <summary>
    /// Listens on <paramref name="endPoint"/> with mutual TLS exactly as the gRPC endpoint
    /// (TLS 1.2/1.3, a client certificate chaining to the configured CA, no AIA downloads),
    /// the Keyless cipher suites, and <see cref="KeylessConnectionHandler"/> for each connection.
    /// Every accepted socket counts against the process's descriptor budget; authenticated
    /// connections against <c>Keyless:MaxConnections</c> and <c>Keyless:MaxConnectionsPerClient</c>.
    /// </summary>
    internal static KestrelServerOptions ListenKeyless(this KestrelServerOptions kestrel, IPEndPoint endPoint, MutualTlsOptions mutualTls, KeylessListenerState state)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(endPoint, listen =>
        {
            var keyless = listen.ApplicationServices.GetRequiredService<IOptions<KeylessOptions>>().Value;
            listen.UseDescriptorBudget(EndpointName);
            listen.UseHttps(https => https.UseMutualTls(mutualTls).UseKeylessTls());
            listen.UseConnectionLimits(new ConnectionLimits
            {
                Endpoint = EndpointName,
                MaxConnections = keyless.MaxConnections,
                MaxConnectionsPerClient = keyless.MaxConnectionsPerClient,
            });
            listen.UseConnectionHandler<KeylessConnectionHandler>();
            state.Attach(listen);
        });
        return kestrel;
    }

    /// <summary>
    /// Listens without TLS, for local callers only: on a Unix domain socket (<paramref name="unixSocketPath"/>)
    /// or on a loopback port (<paramref name="loopback"/>; anything else is refused). Who may connect is
    /// decided by the socket file's permissions or by being on the host. Connections count against the
    /// descriptor budget and <c>Keyless:MaxConnections</c>; there is no client identity, so no per-client limit.
    /// </summary>
    public static KestrelServerOptions ListenKeylessLocal(this KestrelServerOptions kestrel, string? unixSocketPath, IPEndPoint? loopback, KeylessListenerState? state)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        if (unixSocketPath is not null)
        {
            kestrel.ListenUnixSocket(unixSocketPath, listen => Local(listen, "keyless-unix", null));
        }

        if (loopback is not null)
        {
            if (!IPAddress.IsLoopback(loopback.Address))
            {
                throw new InvalidOperationException($"The Keyless endpoint without TLS must be on loopback, not {loopback.Address}.");
            }

            kestrel.Listen(loopback, listen => Local(listen, EndpointName, state));
        }

        return kestrel;
    }

    private static void Local(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen, string endpointName, KeylessListenerState? state)
    {
        var keyless = listen.ApplicationServices.GetRequiredService<IOptions<KeylessOptions>>().Value;
        listen.UseDescriptorBudget(endpointName);
        listen.UseConnectionLimits(new ConnectionLimits { Endpoint = endpointName, MaxConnections = keyless.MaxConnections, MaxConnectionsPerClient = int.MaxValue });
        listen.UseConnectionHandler<KeylessConnectionHandler>();
        state?.Attach(listen);
    }
}
