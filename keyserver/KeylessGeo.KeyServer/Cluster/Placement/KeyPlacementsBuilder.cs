using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Reads a snapshot's placements: for each policy, the datacenters the control plane lists as
/// permitted, whose policy text (evaluated here against the snapshot's topology) permits them,
/// and that hold a wrapped copy of the policy key. A policy that cannot be evaluated permits nothing.
/// </summary>
internal static class KeyPlacementsBuilder
{
    public static KeyPlacements Build(ControlPlaneSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var datacenters = snapshot.Datacenters.Select(static d => new DatacenterPlace(d.Id, d.Region, d.Country, d.Tier)).ToList();
        var byId = datacenters.ToDictionary(static d => d.Id, StringComparer.Ordinal);
        var topology = PolicyCheck.Topology(snapshot, out _);
        var policies = new List<PermittedPlaces>(snapshot.Policies.Length);
        foreach (var policy in snapshot.Policies)
        {
            policies.Add(new PermittedPlaces(policy.Id, Permitted(policy, topology, byId)));
        }

        var policyOfKey = new Dictionary<string, string>(snapshot.Keys.Length, StringComparer.Ordinal);
        foreach (var key in snapshot.Keys)
        {
            policyOfKey[key.KeyId] = key.PolicyId;
        }

        return new KeyPlacements(snapshot.Revision, policyOfKey, policies, datacenters);
    }

    private static IEnumerable<DatacenterPlace> Permitted(
        PolicyRecord policy, Policy.Topology.DatacenterTopology? topology, Dictionary<string, DatacenterPlace> datacenters)
    {
        if (topology is null || !PolicyParser.TryParse(policy.Text, out var expression, out _))
        {
            return [];
        }

        var evaluation = PolicyEvaluator.Evaluate(expression, topology);
        var permitted = new List<DatacenterPlace>();
        foreach (var id in policy.PermittedDatacenters)
        {
            if (evaluation.IsPermitted(id)
                && datacenters.TryGetValue(id, out var place)
                && policy.WrappedKeys.Any(w => string.Equals(w.DatacenterId, id, StringComparison.Ordinal)))
            {
                permitted.Add(place);
            }
        }

        return permitted;
    }
}
