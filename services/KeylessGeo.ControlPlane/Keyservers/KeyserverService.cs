using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Keyservers;

/// <summary>Keyserver membership as the store's leases (the keyservers' advertisements) show it.</summary>
public sealed class KeyserverService
{
    private readonly ControlPlaneContext _context;

    internal KeyserverService(ControlPlaneContext context) => _context = context;

    /// <summary>
    /// Keyservers whose lease has not expired, by id, each with its cluster id and whether its
    /// cluster's freshest view lists it as active (<see cref="ClusterViews"/>).
    /// </summary>
    public async Task<ImmutableArray<KeyserverView>> ListAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<KeyserverLease> leases;
        try
        {
            leases = await _context.Store.ReadLiveLeasesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("reading keyserver leases", ex);
        }

        // The topology is read only when a keyserver without a silo must be judged by its region's view.
        var clusters = ClusterViews.NeedsRegions(leases)
            ? ClusterViews.From(leases, await _context.Committer.ReadAsync(cancellationToken).ConfigureAwait(false))
            : ClusterViews.From(leases, new Dictionary<string, string>(StringComparer.Ordinal));
        return [.. leases.Select(l => new KeyserverView
        {
            KeyserverId = l.KeyserverId,
            Datacenter = l.DatacenterId,
            Endpoints = l.Endpoints,
            Capacity = l.Capacity,
            Accelerator = l.Accelerator,
            AppliedRevision = l.AppliedRevision,
            ClusterId = l.ClusterId,
            ClusterActive = clusters.Of(l) switch
            {
                ClusterStanding.Active => true,
                ClusterStanding.NotInCluster => false,
                _ => null,
            },
            RenewedAt = l.RenewedAt,
            ExpiresAt = l.ExpiresAt,
        })];
    }
}
