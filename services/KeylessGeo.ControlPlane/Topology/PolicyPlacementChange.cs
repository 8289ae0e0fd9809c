using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>How one policy's permitted set changed with a topology or wrapping-key change.</summary>
public sealed record PolicyPlacementChange
{
    public required string PolicyId { get; init; }

    /// <summary>Datacenters now permitted that were not.</summary>
    public ImmutableArray<string> Added { get; init; } = [];

    /// <summary>Datacenters no longer permitted: their copies of the policy key were deleted.</summary>
    public ImmutableArray<string> Removed { get; init; } = [];

    /// <summary>Permitted datacenters still waiting for a registered wrapping key.</summary>
    public ImmutableArray<string> Pending { get; init; } = [];
}
