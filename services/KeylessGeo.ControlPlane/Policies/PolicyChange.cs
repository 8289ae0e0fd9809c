using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>The outcome of creating or updating a policy.</summary>
public sealed record PolicyChange
{
    /// <summary>The revision the change was committed at.</summary>
    public required long Revision { get; init; }

    /// <summary>The policy as committed.</summary>
    public required PolicyView Policy { get; init; }

    /// <summary>Datacenters that gained permission (and a copy, if their wrapping key is registered).</summary>
    public ImmutableArray<string> Added { get; init; } = [];

    /// <summary>Datacenters that lost permission; their copies were deleted.</summary>
    public ImmutableArray<string> Removed { get; init; } = [];

    /// <summary>
    /// True when a removed datacenter held a copy of the policy key: it may have kept the key, so
    /// rotate the policy key (<c>rotate-key</c>) to lock it out of future blobs.
    /// </summary>
    public bool RotationRecommended { get; init; }

    /// <summary>Findings that did not block the change.</summary>
    public ImmutableArray<FieldError> Warnings { get; init; } = [];
}
