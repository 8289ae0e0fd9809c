namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>Which keyserver an upstream is and how it is reached.</summary>
/// <param name="Id">The keyserver id (the address for a configured keyserver whose id is not known).</param>
/// <param name="Address">The gRPC address the agent dials.</param>
/// <param name="IsLocal">True for the keyserver on this node.</param>
internal sealed record UpstreamIdentity(string Id, string Address, bool IsLocal);
