namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>One keyserver of the datacenter as the cluster lists it.</summary>
/// <param name="Id">Its keyserver id.</param>
/// <param name="Address">The gRPC address to dial.</param>
/// <param name="Weight">Its advertised capacity.</param>
/// <param name="Serving">False when the cluster reports it not serving.</param>
internal sealed record DiscoveredKeyserver(string Id, string Address, double Weight, bool Serving);
