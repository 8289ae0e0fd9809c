using System.Collections.Frozen;
using System.Collections.Immutable;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Where every managed key may be opened, for routing and placement: key id to policy, policy to
/// <see cref="PermittedPlaces"/>, datacenter to region. The feed publishes a new instance per
/// applied revision (<see cref="KeyPlacementView"/>): built whole from a snapshot, or from the
/// previous one by a delta (<see cref="WithPolicies"/> shares every untouched policy). The key to
/// policy map is shared by the instances a snapshot starts and changed a key at a time by the feed,
/// so a delta costs in proportion to the keys it touches; readers never lock.
/// </summary>
internal sealed class KeyPlacements
{
    // Filled whole while a snapshot's placements are built aside, then read only; later changes in an overlay.
    private readonly ReadMostlyMap<string, string, ReadOnlySpan<char>> _policyOfKey;
    private readonly ImmutableDictionary<string, PermittedPlaces> _byPolicy;
    private readonly FrozenDictionary<string, DatacenterPlace> _datacenters;

    public KeyPlacements(
        long revision, IReadOnlyDictionary<string, string> policyOfKey, IEnumerable<PermittedPlaces> policies, IEnumerable<DatacenterPlace> datacenters,
        DatacenterTopology? topology = null, int keyCapacity = 0)
    {
        Revision = revision;
        _policyOfKey = new ReadMostlyMap<string, string, ReadOnlySpan<char>>(StringComparer.Ordinal, Math.Max(keyCapacity, policyOfKey.Count), @sealed: false);
        foreach (var (keyId, policyId) in policyOfKey)
        {
            _policyOfKey.Set(keyId, policyId);
        }

        _byPolicy = policies.ToImmutableDictionary(static p => p.PolicyId, StringComparer.Ordinal);
        _datacenters = datacenters.ToFrozenDictionary(static d => d.Id, StringComparer.Ordinal);
        Topology = topology;
    }

    private KeyPlacements(KeyPlacements previous, long revision, ImmutableDictionary<string, PermittedPlaces> byPolicy)
    {
        Revision = revision;
        _policyOfKey = previous._policyOfKey;
        _byPolicy = byPolicy;
        _datacenters = previous._datacenters;
        Topology = previous.Topology;
    }

    /// <summary>No placements (before the first snapshot); a new instance each time, as the key map is changed in place.</summary>
    public static KeyPlacements Empty
    {
        get
        {
            var empty = new KeyPlacements(0, new Dictionary<string, string>(), [], []);
            empty.Seal();
            return empty;
        }
    }

    /// <summary>The revision these placements come from.</summary>
    public long Revision { get; }

    /// <summary>The topology policies were evaluated against (null when the store's is invalid).</summary>
    public DatacenterTopology? Topology { get; }

    /// <summary>The datacenters of the topology, by id.</summary>
    public IReadOnlyDictionary<string, DatacenterPlace> Datacenters => _datacenters;

    /// <summary>Where <paramref name="keyId"/> may be opened; null for a key the snapshot does not manage.</summary>
    public PermittedPlaces? ForKey(string keyId) =>
        _policyOfKey.TryGetValue(keyId, out var policy) && _byPolicy.TryGetValue(policy, out var places) ? places : null;

    /// <summary>The region (and country, tier) of a datacenter of the topology.</summary>
    public DatacenterPlace? Datacenter(string id) => _datacenters.GetValueOrDefault(id);

    /// <summary>These placements at <paramref name="revision"/> with <paramref name="upserted"/> policies set and <paramref name="removed"/> ones gone.</summary>
    public KeyPlacements WithPolicies(long revision, IEnumerable<PermittedPlaces> upserted, IEnumerable<string> removed)
    {
        var byPolicy = _byPolicy.SetItems(upserted.Select(static p => KeyValuePair.Create(p.PolicyId, p))).RemoveRange(removed);
        return new KeyPlacements(this, revision, byPolicy);
    }

    /// <summary>Records that <paramref name="keyId"/> is under <paramref name="policyId"/> (seen at once by every instance sharing the map).</summary>
    public void SetKey(string keyId, string policyId) => _policyOfKey.Set(keyId, policyId);

    /// <summary>Forgets <paramref name="keyId"/>.</summary>
    public void RemoveKey(string keyId) => _policyOfKey.Remove(keyId);

    /// <summary>
    /// Ends the build of the key map (the instances a snapshot starts fill it whole before they
    /// are published; <see cref="KeyPlacementView.Publish"/> seals): later key changes go to an overlay.
    /// </summary>
    public void Seal() => _policyOfKey.Seal();
}
