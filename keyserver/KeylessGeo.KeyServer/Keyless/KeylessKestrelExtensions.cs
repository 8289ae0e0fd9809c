using System.Net;
using KeylessGeo.Transport.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeylessGeo.KeyServer.Keyless;

/// <summary>Adds the Keyless protocol endpoint to Kestrel.</summary>
internal static class KeylessKestrelExtensions
{
    /// <summary>
    /// Listens on <paramref name="endPoint"/> with mutual TLS exactly as the gRPC endpoint
    /// (TLS 1.2/1.3, a client certificate chaining to the configured CA, no AIA downloads),
    /// the Keyless cipher suites, and <see cref="KeylessConnectionHandler"/> for each connection.
    /// </summary>
    public static KestrelServerOptions ListenKeyless(this KestrelServerOptions kestrel, IPEndPoint endPoint, MutualTlsOptions mutualTls, KeylessListenerState state)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(endPoint, listen =>
        {
            listen.UseHttps(https => https.UseMutualTls(mutualTls).UseKeylessTls());
            listen.UseConnectionHandler<KeylessConnectionHandler>();
            state.Attach(listen);
        });
        return kestrel;
    }
}
