using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Places a key grain only on a silo whose datacenter the key's policy permits, weighted by the
/// silo's advertised capacity (<see cref="PolicyPlacementDirector"/>).
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
[Alias("keylessgeo.policy-placement")]
public sealed class PolicyPlacementStrategy : PlacementStrategy
{
    internal static PolicyPlacementStrategy Instance { get; } = new();
}
