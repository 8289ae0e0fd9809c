using System.Collections.Immutable;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Evaluation;

/// <summary>
/// Whether a policy permits one datacenter, and why.
/// </summary>
/// <param name="Datacenter">The datacenter decided on.</param>
/// <param name="Permitted">True if the key may exist in this datacenter.</param>
/// <param name="Reasons">The deciding literals: enough of them to justify the outcome on their own.</param>
/// <param name="Explanation">One line, e.g. <c>dc ams1 permitted: region EU matched 'region: EU'</c>.</param>
public sealed record DatacenterDecision(
    Datacenter Datacenter,
    bool Permitted,
    ImmutableArray<DecisionReason> Reasons,
    string Explanation)
{
    /// <summary>Compares datacenter, outcome and explanation.</summary>
    public bool Equals(DatacenterDecision? other) =>
        other is not null
        && Datacenter.Equals(other.Datacenter)
        && Permitted == other.Permitted
        && Reasons.SequenceEqual(other.Reasons)
        && string.Equals(Explanation, other.Explanation, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Datacenter, Permitted, Explanation);

    /// <summary>The explanation line.</summary>
    public override string ToString() => Explanation;
}
