using System.Collections.Frozen;
using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// What each keyserver advertises in the control-plane store (its measured operations per
/// second per algorithm, renewed with its advertisement), as last read by
/// <see cref="AdvertisedCapacityService"/>. Read without locks by the placement director, and by
/// discovery (<see cref="Leases"/>, <see cref="Updated"/>), so the store is read once for both.
/// </summary>
internal sealed class AdvertisedCapacity
{
    private FrozenDictionary<string, KeyserverLease> _byKeyserver = FrozenDictionary<string, KeyserverLease>.Empty;

    /// <summary>Raised after each successful read of the advertisements.</summary>
    public event Action? Updated;

    /// <summary>The live leases as last read (empty before the first read).</summary>
    public ImmutableArray<KeyserverLease> Leases => Volatile.Read(ref _byKeyserver).Values;

    /// <summary>The keyserver's measured operations per second for <paramref name="algorithm"/>, if it advertised one.</summary>
    public double? OperationsPerSecond(string keyserverId, string algorithm) =>
        _byKeyserver.TryGetValue(keyserverId, out var lease) && lease.Capacity.TryGetValue(algorithm, out var perSecond) && perSecond > 0
            ? perSecond
            : null;

    public void Update(IEnumerable<KeyserverLease> leases)
    {
        Volatile.Write(ref _byKeyserver, leases.ToFrozenDictionary(static l => l.KeyserverId, StringComparer.Ordinal));
        Updated?.Invoke();
    }
}
