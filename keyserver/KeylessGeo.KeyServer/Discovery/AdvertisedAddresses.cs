using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// Turns advertised endpoints (a lease's, or <c>Cluster:AdvertisedEndpoints</c>) into the
/// contract's form: <c>grpc://host:port</c> and <c>https://host:port</c> become gRPC endpoints
/// <c>https://host:port</c> (a keyserver's gRPC endpoint always uses mutual TLS),
/// <c>unix:/path</c> a gRPC endpoint as it is, <c>keyless://host:port</c> a Keyless-protocol
/// endpoint <c>host:port</c>. Anything else (no port, another scheme) is left out.
/// </summary>
internal static class AdvertisedAddresses
{
    public static void Fill(KeyserverInfo info, IEnumerable<string> advertised)
    {
        foreach (var endpoint in advertised)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                continue;
            }

            switch (uri.Scheme)
            {
                case "grpc" or "https" when uri.Host.Length > 0 && uri.Port > 0:
                    info.GrpcEndpoints.Add("https://" + uri.Authority);
                    break;
                case "keyless" when uri.Host.Length > 0 && uri.Port > 0:
                    info.KeylessEndpoints.Add(uri.Authority);
                    break;
                case "unix" when uri.AbsolutePath.Length > 1:
                    info.GrpcEndpoints.Add("unix:" + uri.AbsolutePath);
                    break;
            }
        }
    }
}
