using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>
/// The topology at one revision. <see cref="Datacenters"/> has the topology file's shape, so the
/// JSON of this view can be edited and sent back to replace the topology (the other fields are
/// ignored there).
/// </summary>
public sealed record TopologyView
{
    public required long Revision { get; init; }

    public required ImmutableArray<DatacenterView> Datacenters { get; init; }

    /// <summary>The registered wrapping keys, by datacenter id.</summary>
    public required ImmutableArray<WrappingKeyView> WrappingKeys { get; init; }
}
