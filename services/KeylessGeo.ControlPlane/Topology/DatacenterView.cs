using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>One datacenter of the topology, in the topology file's shape.</summary>
public sealed record DatacenterView
{
    public required string Id { get; init; }

    public required string Region { get; init; }

    public required string Country { get; init; }

    public required string Tier { get; init; }

    public ImmutableArray<string> Labels { get; init; } = [];
}
