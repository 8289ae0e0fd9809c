using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Keyservers;

/// <summary>
/// The Orleans clusters as the keyservers' advertisements (live leases) describe them. Each
/// keyserver with a silo advertises its cluster id and the members its cluster lists as active,
/// read at a membership version; the freshest view of a cluster (highest version, then latest
/// renewal) decides which of its keyservers are up. Orleans declares a killed member dead in
/// about a second and the survivors re-advertise at once, so this is far sooner than its lease
/// expiring. A keyserver that advertises no cluster id is judged by the freshest view in its
/// datacenter's region; with none it keeps its lease-only standing.
/// </summary>
internal sealed class ClusterViews
{
    private readonly Dictionary<string, KeyserverLease> _byCluster = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeyserverLease> _byRegion = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _regions;

    private ClusterViews(IReadOnlyDictionary<string, string> regions) => _regions = regions;

    /// <summary>
    /// The views among <paramref name="leases"/>; <paramref name="regionOfDatacenter"/> maps the
    /// topology's datacenter ids to their regions.
    /// </summary>
    public static ClusterViews From(IEnumerable<KeyserverLease> leases, IReadOnlyDictionary<string, string> regionOfDatacenter)
    {
        var views = new ClusterViews(regionOfDatacenter);
        foreach (var lease in leases)
        {
            if (lease.ClusterMembers.IsEmpty)
            {
                continue;
            }

            if (lease.ClusterId.Length > 0)
            {
                Keep(views._byCluster, lease.ClusterId, lease, sameCluster: true);
            }

            if (regionOfDatacenter.TryGetValue(lease.DatacenterId, out var region))
            {
                // Clusters in one region may differ (a configured cluster id): their versions do not compare.
                Keep(views._byRegion, region, lease, sameCluster: false);
            }
        }

        return views;
    }

    /// <summary>The views among <paramref name="leases"/>, regions from <paramref name="state"/>'s topology.</summary>
    public static ClusterViews From(IEnumerable<KeyserverLease> leases, ControlPlaneState state) =>
        From(leases, RegionsOf(state.Datacenters));

    /// <summary>
    /// Whether judging <paramref name="leases"/> needs the topology: only when one advertises no
    /// cluster id while another advertises a view (a keyserver without a silo among ones with).
    /// </summary>
    public static bool NeedsRegions(IReadOnlyList<KeyserverLease> leases) =>
        leases.Any(l => l.ClusterId.Length == 0) && leases.Any(l => !l.ClusterMembers.IsEmpty);

    /// <summary>Datacenter id to region, from the topology's <paramref name="datacenters"/>.</summary>
    public static IReadOnlyDictionary<string, string> RegionsOf(IEnumerable<DatacenterRecord> datacenters)
    {
        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var datacenter in datacenters)
        {
            regions[datacenter.Id] = datacenter.Region;
        }

        return regions;
    }

    /// <summary>Where <paramref name="lease"/>'s keyserver stands in its cluster.</summary>
    public ClusterStanding Of(KeyserverLease lease)
    {
        var view = lease.ClusterId.Length > 0
            ? _byCluster.GetValueOrDefault(lease.ClusterId)
            : _regions.TryGetValue(lease.DatacenterId, out var region) ? _byRegion.GetValueOrDefault(region) : null;
        if (view is null)
        {
            return ClusterStanding.Unknown;
        }

        if (view.ClusterMembers.Contains(lease.KeyserverId, StringComparer.Ordinal))
        {
            return ClusterStanding.Active;
        }

        return NewerThan(view, lease) ? ClusterStanding.NotInCluster : ClusterStanding.Unknown;
    }

    /// <summary>
    /// Whether <paramref name="view"/> was read after <paramref name="lease"/> was: by membership
    /// version when both read the same cluster's membership (exact), otherwise by the store's
    /// renewal stamps.
    /// </summary>
    private static bool NewerThan(KeyserverLease view, KeyserverLease lease) =>
        lease.ClusterVersion > 0 && !lease.ClusterMembers.IsEmpty && lease.ClusterId.Length > 0 && view.ClusterId == lease.ClusterId
            ? view.ClusterVersion > lease.ClusterVersion
            : view.RenewedAt > lease.RenewedAt;

    private static void Keep(Dictionary<string, KeyserverLease> views, string key, KeyserverLease lease, bool sameCluster)
    {
        if (!views.TryGetValue(key, out var kept) || Fresher(lease, kept, sameCluster))
        {
            views[key] = lease;
        }
    }

    private static bool Fresher(KeyserverLease candidate, KeyserverLease kept, bool sameCluster)
    {
        if (sameCluster && candidate.ClusterVersion != kept.ClusterVersion)
        {
            return candidate.ClusterVersion > kept.ClusterVersion;
        }

        return candidate.RenewedAt != kept.RenewedAt
            ? candidate.RenewedAt > kept.RenewedAt
            : string.CompareOrdinal(candidate.KeyserverId, kept.KeyserverId) < 0;
    }
}
