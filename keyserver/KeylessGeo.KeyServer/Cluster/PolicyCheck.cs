using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The keyserver's own reading of a policy (defence in depth): besides the permitted list and
/// the wrapped copy the control plane wrote, the policy text is evaluated here with the policy
/// library against the snapshot's topology. Anything that cannot be evaluated is not permitted.
/// </summary>
internal static class PolicyCheck
{
    /// <summary>The snapshot's topology, or null with the reason when it is invalid.</summary>
    public static DatacenterTopology? Topology(ControlPlaneSnapshot snapshot, out string? problem)
    {
        try
        {
            problem = null;
            return DatacenterTopology.Create(snapshot.Datacenters.Select(static d => new Datacenter
            {
                Id = d.Id,
                Region = d.Region,
                Country = d.Country,
                Tier = d.Tier,
                Labels = d.Labels.ToImmutableSortedSet(StringComparer.Ordinal),
            }));
        }
        catch (TopologyException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Decides what <paramref name="policy"/> says about <paramref name="datacenter"/>.</summary>
    public static PolicyVerdict Check(PolicyRecord policy, DatacenterTopology? topology, string? topologyProblem, string datacenter)
    {
        var listed = policy.PermittedDatacenters.Contains(datacenter, StringComparer.Ordinal);
        WrappedPolicyKey? copy = null;
        foreach (var wrapped in policy.WrappedKeys)
        {
            if (string.Equals(wrapped.DatacenterId, datacenter, StringComparison.Ordinal))
            {
                copy = wrapped;
                break;
            }
        }

        var (permits, explanation) = Evaluate(policy.Text, topology, topologyProblem, datacenter);
        return new PolicyVerdict(policy, listed, copy, permits, explanation);
    }

    private static (bool Permits, string Explanation) Evaluate(string text, DatacenterTopology? topology, string? topologyProblem, string datacenter)
    {
        if (topology is null)
        {
            return (false, $"the topology in the store is invalid ({topologyProblem})");
        }

        if (!topology.Contains(datacenter))
        {
            return (false, $"datacenter '{datacenter}' is not in the topology");
        }

        if (!PolicyParser.TryParse(text, out var expression, out var error))
        {
            return (false, $"the policy text does not parse ({error})");
        }

        var decision = PolicyEvaluator.Evaluate(expression, topology)[datacenter];
        return (decision.Permitted, decision.Explanation);
    }
}
