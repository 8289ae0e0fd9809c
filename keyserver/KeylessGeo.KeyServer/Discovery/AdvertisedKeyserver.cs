using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster.Placement;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>Another keyserver's entry, from its live lease and its datacenter's place in the topology.</summary>
internal static class AdvertisedKeyserver
{
    public static KeyserverInfo Describe(KeyserverLease lease, DatacenterPlace? place, bool serving)
    {
        // Leases say "none" for no accelerator, the contract an empty kind. The lease carries no
        // multiplier: 1 without an accelerator, 0 (not known here) with one. Its capacities have
        // the multiplier applied either way.
        var kind = lease.Accelerator is "none" or "" ? "" : lease.Accelerator;
        var info = new KeyserverInfo
        {
            KeyserverId = lease.KeyserverId,
            Datacenter = lease.DatacenterId,
            Region = place?.Region ?? "",
            Country = place?.Country ?? "",
            Tier = place?.Tier ?? "",
            Accelerator = new Accelerator { Kind = kind, Multiplier = kind.Length == 0 ? 1.0 : 0.0 },
            Serving = serving,
        };
        AdvertisedAddresses.Fill(info, lease.Endpoints);
        foreach (var (algorithm, perSecond) in lease.Capacity)
        {
            info.Algorithms.Add(new AlgorithmCapacity { Algorithm = algorithm, OperationsPerSecond = perSecond });
        }

        return info;
    }
}
