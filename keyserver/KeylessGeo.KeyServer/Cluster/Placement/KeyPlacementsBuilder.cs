using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Reads placements: for each policy, the datacenters the control plane lists as permitted, whose
/// policy text (evaluated here against the topology) permits them, and that hold a wrapped copy
/// of the policy key. A policy that cannot be evaluated permits nothing. Built whole from a
/// snapshot, or changed by a delta of policies and keys.
/// </summary>
internal static class KeyPlacementsBuilder
{
    /// <param name="snapshot">The snapshot (or its first page, whose keys follow).</param>
    /// <param name="expectedKeys">Room for about this many keys, those of pages still to come (0: the snapshot's own).</param>
    public static KeyPlacements Build(ControlPlaneSnapshot snapshot, long expectedKeys = 0)
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

        return new KeyPlacements(snapshot.Revision, policyOfKey, policies, datacenters, topology, (int)Math.Clamp(expectedKeys, 0, Array.MaxLength));
    }

    /// <summary>
    /// Applies a delta of policies and keys: publishes the placements with the changed policies to
    /// <paramref name="view"/> first, then moves the changed keys, so a key never points at a policy
    /// its readers do not know yet. Topology changes are not deltas: rebuild with <see cref="Build"/>.
    /// </summary>
    public static void Apply(KeyPlacementView view, ChangedRecords changed)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(changed);
        var current = view.Current;
        var policies = changed.Records.Policies.ToDictionary(static p => p.Id, StringComparer.Ordinal);
        var keys = changed.Records.Keys.ToDictionary(static k => k.KeyId, StringComparer.Ordinal);
        var upserted = new List<PermittedPlaces>();
        var removed = new List<string>();
        foreach (var change in changed.Page.Changes)
        {
            if (change.Kind != ChangeKind.Policy)
            {
                continue;
            }

            if (policies.TryGetValue(change.Id, out var policy))
            {
                upserted.Add(new PermittedPlaces(policy.Id, Permitted(policy, current.Topology, current.Datacenters)));
            }
            else
            {
                removed.Add(change.Id);
            }
        }

        view.Publish(current.WithPolicies(changed.Page.LatestRevision, upserted, removed));
        foreach (var change in changed.Page.Changes)
        {
            if (change.Kind != ChangeKind.Key)
            {
                continue;
            }

            if (keys.TryGetValue(change.Id, out var key))
            {
                current.SetKey(key.KeyId, key.PolicyId);
            }
            else
            {
                current.RemoveKey(change.Id);
            }
        }
    }

    private static List<DatacenterPlace> Permitted(PolicyRecord policy, DatacenterTopology? topology, IReadOnlyDictionary<string, DatacenterPlace> datacenters)
    {
        var permitted = new List<DatacenterPlace>();
        if (topology is null || !PolicyParser.TryParse(policy.Text, out var expression, out _))
        {
            return permitted;
        }

        var evaluation = PolicyEvaluator.Evaluate(expression, topology);
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
