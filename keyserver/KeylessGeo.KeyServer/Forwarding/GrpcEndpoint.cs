namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Picks a lease's gRPC endpoint. Leases advertise <c>grpc://host:port</c> (see
/// docs/CLUSTER.md) beside other protocols such as <c>keyless://</c>; a keyserver's gRPC
/// endpoint always uses mutual TLS, so <c>grpc://</c> is dialled as <c>https://</c>.
/// </summary>
internal static class GrpcEndpoint
{
    /// <summary>The first gRPC endpoint of <paramref name="advertised"/> as an <c>https://host:port</c> address, or null.</summary>
    public static string? Select(IEnumerable<string> advertised)
    {
        foreach (var endpoint in advertised)
        {
            // grpc:// has no default port, so it must name one; https:// defaults to 443.
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                && uri.Scheme is "grpc" or "https"
                && uri.Host.Length > 0
                && uri.Port > 0)
            {
                return $"https://{uri.Authority}";
            }
        }

        return null;
    }
}
