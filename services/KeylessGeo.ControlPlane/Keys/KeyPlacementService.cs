using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Keyservers;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Topology;
using KeylessGeo.Policy.Evaluation;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.ControlPlane.Keys;

/// <summary>"Where can key K be used, and which keyservers are serving it now."</summary>
public sealed class KeyPlacementService
{
    private const int PageSize = 10_000;

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
        var snapshot = await _context.Committer.ReadAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyService.Require(snapshot, keyId);
        var policy = KeyService.PolicyOf(snapshot, key);
        var evaluation = PolicyEvaluator.Evaluate(PolicyParser.Parse(policy.Text), TopologyRecords.ToTopology(snapshot));
        var (stateRevision, exact) = await StateRevisionAsync(key.KeyId, policy.Id, snapshot.Revision, cancellationToken).ConfigureAwait(false);
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
        var clusters = ClusterViews.From(leases, snapshot);
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
            Revision = snapshot.Revision,
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

    /// <summary>
    /// The latest revision (up to <paramref name="snapshotRevision"/>) that touched the key or its
    /// policy, from the change feed. When the feed was truncated before any such change, the
    /// earliest retained revision bounds it from above.
    /// </summary>
    private async Task<(long Revision, bool Exact)> StateRevisionAsync(string keyId, string policyId, long snapshotRevision, CancellationToken cancellationToken)
    {
        long after = 0;
        long found = 0;
        long? earliest = null;
        var truncated = false;
        var pageSize = PageSize;
        try
        {
            while (true)
            {
                var page = await _context.Store.ReadChangesAsync(after, pageSize, cancellationToken).ConfigureAwait(false);
                truncated |= after == 0 && page.Truncated;
                foreach (var change in page.Changes.Where(c => c.Revision <= snapshotRevision))
                {
                    earliest ??= change.Revision;
                    if ((change.Kind == ChangeKind.Key && change.Id == keyId) || (change.Kind == ChangeKind.Policy && change.Id == policyId))
                    {
                        found = Math.Max(found, change.Revision);
                    }
                }

                if (page.Changes.Count < pageSize || page.Changes[^1].Revision >= snapshotRevision)
                {
                    break;
                }

                // A revision's records may straddle the page end: read that revision again.
                var next = page.Changes[^1].Revision - 1;
                if (next <= after)
                {
                    pageSize *= 2;
                }
                else
                {
                    after = next;
                }
            }
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("reading the change feed", ex);
        }

        return found > 0 || !truncated ? (found, true) : (earliest ?? snapshotRevision, false);
    }
}
