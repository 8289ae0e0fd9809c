using System.Collections.Immutable;
using KeylessGeo.Policy.Evaluation;

namespace KeylessGeo.Policy.Validation;

/// <summary>
/// Everything <see cref="PolicyValidator"/> found, errors and warnings separately, plus the
/// evaluation it was based on.
/// </summary>
public sealed record PolicyValidationResult
{
    /// <summary>Problems that reject the policy, in source order, then the permitted-set checks.</summary>
    public required ImmutableArray<PolicyIssue> Errors { get; init; }

    /// <summary>Findings that do not reject the policy.</summary>
    public required ImmutableArray<PolicyIssue> Warnings { get; init; }

    /// <summary>The policy's evaluation against the topology it was validated with.</summary>
    public required PolicyEvaluation Evaluation { get; init; }

    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.IsEmpty;
}
