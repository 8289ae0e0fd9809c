using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// Whether a keyserver with a live lease is up, as far as Orleans membership says. A live lease
/// alone lags a crash by its time to live; membership drops a killed silo in about a second and
/// a half. For a keyserver of this keyserver's own cluster the local silo's view decides (it is
/// the freshest there is); for others, the freshest view any lease of their cluster advertises,
/// when it was read after their own. A keyserver without a silo is judged by its lease alone.
/// </summary>
internal sealed class LeaseStanding
{
    private readonly Dictionary<string, KeyserverLease> _freshestView = new(StringComparer.Ordinal);
    private readonly ClusterView _local;

    private LeaseStanding(ClusterView local) => _local = local;

    /// <summary>The views among <paramref name="leases"/> and this silo's own <paramref name="local"/> view.</summary>
    public static LeaseStanding From(IEnumerable<KeyserverLease> leases, ClusterView local)
    {
        var standing = new LeaseStanding(local);
        foreach (var lease in leases)
        {
            if (lease.ClusterId.Length > 0 && !lease.ClusterMembers.IsEmpty
                && (!standing._freshestView.TryGetValue(lease.ClusterId, out var kept) || lease.ClusterVersion > kept.ClusterVersion))
            {
                standing._freshestView[lease.ClusterId] = lease;
            }
        }

        return standing;
    }

    /// <summary>False when a membership view newer than <paramref name="lease"/> leaves its keyserver out.</summary>
    public bool IsUp(KeyserverLease lease)
    {
        if (lease.ClusterId.Length == 0)
        {
            return true;
        }

        var id = lease.KeyserverId;
        if (lease.ClusterId == _local.ClusterId && !_local.Members.IsEmpty)
        {
            // An incomplete view lacks silos whose metadata has not arrived yet: it can say who is
            // up, not who is down.
            if (_local.Members.Contains(id, StringComparer.Ordinal))
            {
                return true;
            }

            if (_local.Complete)
            {
                return false;
            }
        }

        return !_freshestView.TryGetValue(lease.ClusterId, out var view)
            || view.ClusterVersion <= lease.ClusterVersion
            || view.ClusterMembers.Contains(id, StringComparer.Ordinal);
    }
}
