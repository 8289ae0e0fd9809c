using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>What one policy says about this datacenter, by each of the three checks a key must pass.</summary>
/// <param name="Policy">The policy record.</param>
/// <param name="Listed">The record's <see cref="PolicyRecord.PermittedDatacenters"/> contains this datacenter.</param>
/// <param name="Copy">The policy key wrapped to this datacenter, if the record holds one.</param>
/// <param name="TextPermits">The policy text, evaluated here against the snapshot's topology, permits this datacenter.</param>
/// <param name="Explanation">The evaluator's explanation, or why the text could not be evaluated.</param>
internal sealed record PolicyVerdict(PolicyRecord Policy, bool Listed, WrappedPolicyKey? Copy, bool TextPermits, string Explanation)
{
    /// <summary>All three checks pass: the policy permits this datacenter.</summary>
    public bool Permits => Listed && Copy is not null && TextPermits;
}
