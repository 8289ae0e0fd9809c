using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Cluster.Placement;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// In a cluster: this keyserver first-hand, and every other keyserver with a live lease, as
/// <see cref="AdvertisedCapacity"/> last read them from the store (that service is the one reader
/// of the advertisements; nothing here touches the store), placed by the topology the change feed
/// applied, and judged up or down by Orleans membership (<see cref="LeaseStanding"/>). A change is
/// signalled after each read of the advertisements and on every membership change.
/// </summary>
internal sealed class ClusterKeyserverSource : IKeyserverSource
{
    private readonly LocalKeyserver _self;
    private readonly AdvertisedCapacity _advertisements;
    private readonly KeyPlacementView _topology;
    private readonly SiloClusterViewReader _membership;

    public ClusterKeyserverSource(
        LocalKeyserver self, AdvertisedCapacity advertisements, KeyPlacementView topology, IServiceProvider services, ILogger<ClusterKeyserverSource> logger)
    {
        _self = self;
        _advertisements = advertisements;
        _topology = topology;

        // Orleans's in-memory membership (no store access): the same reader the lease uses.
        _membership = new SiloClusterViewReader(services, logger);
    }

    public string OwnDatacenter => _self.Datacenter;

    public KnownKeyservers Read()
    {
        var topology = _topology.Current;
        var leases = _advertisements.Leases;
        var standing = LeaseStanding.From(leases, ReadMembership());
        var keyservers = new List<KeyserverInfo>(leases.Length + 1) { _self.Describe(topology.Datacenter(_self.Datacenter)) };
        foreach (var lease in leases)
        {
            if (!string.Equals(lease.KeyserverId, _self.Id, StringComparison.Ordinal))
            {
                keyservers.Add(AdvertisedKeyserver.Describe(lease, topology.Datacenter(lease.DatacenterId), standing.IsUp(lease)));
            }
        }

        // Before the first snapshot the topology is unknown: no datacenter can be ruled out yet.
        return new KnownKeyservers(keyservers, datacenter => topology.Revision == 0 || topology.Datacenter(datacenter) is not null);
    }

    private ClusterView ReadMembership()
    {
        try
        {
            return _membership.Read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Judge by the advertisements alone, as without a silo; the lease renewal logs the fault.
            return ClusterView.None with { Complete = false };
        }
    }

    public async Task WatchAsync(Action changed, CancellationToken cancellationToken)
    {
        _advertisements.Updated += changed;
        try
        {
            await _membership.WatchAsync(changed, cancellationToken).ConfigureAwait(false);

            // Without a silo (or once it stopped) there is no membership to follow; the
            // advertisements still signal.
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _advertisements.Updated -= changed;
        }
    }
}
