namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>The upstreams in force at one moment: the node-local keyserver and the datacenter's others.</summary>
/// <param name="Local">The keyserver on this node, if configured.</param>
/// <param name="Datacenter">The datacenter's other keyservers.</param>
internal sealed record UpstreamSet(Upstream? Local, Upstream[] Datacenter)
{
    public static readonly UpstreamSet Empty = new(null, []);
}
