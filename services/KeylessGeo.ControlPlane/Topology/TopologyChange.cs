using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Topology;

/// <summary>The outcome of replacing the topology.</summary>
public sealed record TopologyChange
{
    /// <summary>The revision the change was committed at.</summary>
    public required long Revision { get; init; }

    public ImmutableArray<string> Added { get; init; } = [];

    public ImmutableArray<string> Removed { get; init; } = [];

    /// <summary>Datacenters whose region, country, tier or labels changed.</summary>
    public ImmutableArray<string> Changed { get; init; } = [];

    /// <summary>Wrapping-key registrations deleted with their datacenters.</summary>
    public ImmutableArray<string> WrappingKeysDeleted { get; init; } = [];

    /// <summary>Policies whose permitted set changed (their policy-key copies were adjusted).</summary>
    public ImmutableArray<PolicyPlacementChange> Policies { get; init; } = [];

    /// <summary>Findings that did not block the change (forced shortfalls, unused tiers or labels).</summary>
    public ImmutableArray<FieldError> Warnings { get; init; } = [];
}
