using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Keyservers;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>"Where can key K be used, and which keyservers are serving it now."</summary>
public sealed class KeyPlacementService
{
    private readonly ControlPlaneContext _context;

    internal KeyPlacementService(ControlPlaneContext context) => _context = context;

    /// <summary>
    /// The key's policy evaluated against the topology (with the explanation per datacenter),
    /// which datacenters hold a wrapped copy of the current policy key, and the live keyservers
    /// in permitted datacenters: <c>serving</c> when their applied revision has reached the
    /// revision of the key's current state, <c>catching-up</c> otherwise, <c>not-in-cluster</c>
    /// when their Orleans cluster's freshest view does not list them (<see cref="ClusterViews"/>).
    /// 404 when unknown.
    /// </summary>
    public async Task<KeyPlacement> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        Ids.CheckKeyId(keyId);
        // The key read by id, its policy and the topology from the follower's state, all at one
        // revision; the state also knows the revision that last wrote each key and policy.
        var view = await _context.Committer.ReadAsync("key placement", _ => [keyId], cancellationToken).ConfigureAwait(false);
        var key = KeyService.Require(view, keyId);
        var policy = KeyService.PolicyOf(view, key);
        var evaluation = PolicyEvaluator.Evaluate(PolicyParser.Parse(policy.Text), TopologyRecords.ToTopology(view.State));
        var (stateRevision, exact) = view.State.StateRevisionOf(key.KeyId, policy.Id);
        var copies = policy.WrappedKeys.ToDictionary(c => c.DatacenterId, StringComparer.Ordinal);
        var datacenters = evaluation.Decisions
            .Select(d => new DatacenterPlacement
            {
                Datacenter = d.Datacenter.Id,
                Permitted = d.Permitted,
                Explanation = d.Explanation,
                HoldsPolicyKey = copies.ContainsKey(d.Datacenter.Id),
                WrappingKeyFingerprint = copies.TryGetValue(d.Datacenter.Id, out var copy) ? copy.WrappingKeyFingerprint : null,
                Status = !d.Permitted ? "denied" : copies.ContainsKey(d.Datacenter.Id) ? "holds-key" : "awaiting-wrapping-key",
            })
            .OrderBy(d => d.Datacenter, StringComparer.Ordinal)
            .ToImmutableArray();
        var leases = await ReadLeasesAsync(cancellationToken).ConfigureAwait(false);
        var clusters = ClusterViews.From(leases, view.State);
        var keyservers = leases
            .Where(l => policy.PermittedDatacenters.Contains(l.DatacenterId, StringComparer.Ordinal))
            .Select(l => new KeyserverPlacement
            {
                KeyserverId = l.KeyserverId,
                Datacenter = l.DatacenterId,
                Endpoints = l.Endpoints,
                AppliedRevision = l.AppliedRevision,
                ExpiresAt = l.ExpiresAt,
                Status = StatusOf(l, clusters.Of(l), copies.ContainsKey(l.DatacenterId), stateRevision),
            })
            .ToImmutableArray();
        return new KeyPlacement
        {
            KeyId = key.KeyId,
            KeyVersion = key.Version,
            PolicyId = policy.Id,
            PolicyVersion = policy.Version,
            PolicyText = policy.Text,
            PolicyKeyGeneration = key.PolicyKeyGeneration,
            Revision = view.Revision,
            StateRevision = stateRevision,
            StateRevisionExact = exact,
            Datacenters = datacenters,
            Keyservers = keyservers,
        };
    }

    /// <summary>
    /// A live keyserver's status for the key: <c>not-in-cluster</c> when its cluster's freshest
    /// view says it is down or has not joined (whatever else holds), then <c>no-policy-key</c>,
    /// <c>serving</c> or <c>catching-up</c>.
    /// </summary>
    internal static string StatusOf(Store.Model.KeyserverLease lease, ClusterStanding standing, bool datacenterHoldsPolicyKey, long stateRevision) =>
        standing == ClusterStanding.NotInCluster ? "not-in-cluster"
        : !datacenterHoldsPolicyKey ? "no-policy-key"
        : lease.AppliedRevision >= stateRevision ? "serving"
        : "catching-up";

    private async Task<IReadOnlyList<Store.Model.KeyserverLease>> ReadLeasesAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _context.Store.ReadLiveLeasesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("reading keyserver leases", ex);
        }
    }
}
