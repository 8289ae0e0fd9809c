using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>The dry-run result: what a policy would permit, why, and whether it would be accepted.</summary>
public sealed record PolicyExplanation
{
    /// <summary>The canonical text form.</summary>
    public required string Text { get; init; }

    /// <summary>The JSON form.</summary>
    public required string Json { get; init; }

    /// <summary>The revision of the topology it was evaluated against.</summary>
    public required long Revision { get; init; }

    /// <summary>True when creating or updating with this policy would be accepted.</summary>
    public required bool Valid { get; init; }

    /// <summary>What would refuse it.</summary>
    public required ImmutableArray<FieldError> Errors { get; init; }

    public required ImmutableArray<FieldError> Warnings { get; init; }

    /// <summary>The permitted datacenters, sorted.</summary>
    public required ImmutableArray<string> Permitted { get; init; }

    /// <summary>Every datacenter's decision, in topology order.</summary>
    public required ImmutableArray<DatacenterDecisionView> Decisions { get; init; }

    /// <summary>The change from the existing policy, when one was named.</summary>
    public PolicyDiff? Diff { get; init; }
}
