using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>The outcome of rotating a policy key.</summary>
public sealed record PolicyKeyRotation
{
    public required long Revision { get; init; }

    public required string PolicyId { get; init; }

    public required int PreviousGeneration { get; init; }

    public required int Generation { get; init; }

    /// <summary>Keys whose private-key blobs were re-wrapped under the new generation.</summary>
    public required ImmutableArray<string> KeysRewrapped { get; init; }

    /// <summary>Datacenters that received a copy of the new policy key.</summary>
    public required ImmutableArray<string> WrappedFor { get; init; }

    /// <summary>Permitted datacenters still without a registered wrapping key.</summary>
    public required ImmutableArray<string> PendingDatacenters { get; init; }
}
