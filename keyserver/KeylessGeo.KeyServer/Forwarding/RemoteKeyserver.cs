namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>A keyserver this one may forward to, as its live lease and the topology describe it.</summary>
/// <param name="KeyserverId">The keyserver's id (its lease's).</param>
/// <param name="DatacenterId">Its datacenter.</param>
/// <param name="Region">Its datacenter's region in the topology.</param>
/// <param name="Endpoint">Its gRPC endpoint, <c>https://host:port</c> (mutual TLS).</param>
/// <param name="Weight">Its share of load within its region: the measured capacity it advertises (at least 1).</param>
internal sealed record RemoteKeyserver(string KeyserverId, string DatacenterId, string Region, string Endpoint, double Weight)
{
    /// <summary>For messages: <c>ks-1 (fra1, EU)</c>.</summary>
    public override string ToString() => $"{KeyserverId} ({DatacenterId}, {Region})";
}
