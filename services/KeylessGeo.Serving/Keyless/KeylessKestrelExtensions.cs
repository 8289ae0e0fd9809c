using System.Net;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Keyless;

/// <summary>Adds the Keyless protocol endpoint to Kestrel.</summary>
internal static class KeylessKestrelExtensions
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
    public static KestrelServerOptions ListenKeyless(this KestrelServerOptions kestrel, IPEndPoint endPoint, MutualTlsOptions mutualTls, KeylessListenerState state)
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
}
