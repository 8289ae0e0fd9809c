using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;

namespace KeylessGeo.ControlPlane.Keyservers;

/// <summary>Keyserver membership as the store's leases show it.</summary>
public sealed class KeyserverService
{
    private readonly ControlPlaneContext _context;

    internal KeyserverService(ControlPlaneContext context) => _context = context;

    /// <summary>Keyservers whose lease has not expired, by id.</summary>
    public async Task<ImmutableArray<KeyserverView>> ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            var leases = await _context.Store.ReadLiveLeasesAsync(cancellationToken).ConfigureAwait(false);
            return [.. leases.Select(l => new KeyserverView
            {
                KeyserverId = l.KeyserverId,
                Datacenter = l.DatacenterId,
                Endpoints = l.Endpoints,
                Capacity = l.Capacity,
                Accelerator = l.Accelerator,
                AppliedRevision = l.AppliedRevision,
                RenewedAt = l.RenewedAt,
                ExpiresAt = l.ExpiresAt,
            })];
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("reading keyserver leases", ex);
        }
    }
}
