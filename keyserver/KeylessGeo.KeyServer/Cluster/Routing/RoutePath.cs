namespace KeylessGeo.KeyServer.Cluster.Routing;

/// <summary>Metric tag values: where a request for a key not permitted in this datacenter went.</summary>
internal static class RoutePath
{
    /// <summary>To the key's grain on a permitted silo of this region (an Orleans call).</summary>
    public const string Region = "region";

    /// <summary>To a keyserver of another permitted region (a gRPC call).</summary>
    public const string Remote = "remote";

    /// <summary>Answered here: forwarding is off, the request was forwarded once already, or no place may hold the key.</summary>
    public const string Refused = "refused";
}
