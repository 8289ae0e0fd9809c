using System.Collections.Frozen;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Where every managed key of one snapshot may be opened, for routing and placement: key id to
/// policy, policy to <see cref="PermittedPlaces"/>, datacenter to region. Immutable; the feed
/// publishes a new one per applied revision (<see cref="KeyPlacementView"/>).
/// </summary>
internal sealed class KeyPlacements
{
    private readonly FrozenDictionary<string, string> _policyOfKey;
    private readonly FrozenDictionary<string, PermittedPlaces> _byPolicy;
    private readonly FrozenDictionary<string, DatacenterPlace> _datacenters;

    public KeyPlacements(
        long revision, IReadOnlyDictionary<string, string> policyOfKey, IEnumerable<PermittedPlaces> policies, IEnumerable<DatacenterPlace> datacenters)
    {
        Revision = revision;
        _policyOfKey = policyOfKey.ToFrozenDictionary(StringComparer.Ordinal);
        _byPolicy = policies.ToFrozenDictionary(static p => p.PolicyId, StringComparer.Ordinal);
        _datacenters = datacenters.ToFrozenDictionary(static d => d.Id, StringComparer.Ordinal);
    }

    public static KeyPlacements Empty { get; } = new(0, new Dictionary<string, string>(), [], []);

    /// <summary>The snapshot revision these placements come from.</summary>
    public long Revision { get; }

    /// <summary>Where <paramref name="keyId"/> may be opened; null for a key the snapshot does not manage.</summary>
    public PermittedPlaces? ForKey(string keyId) =>
        _policyOfKey.TryGetValue(keyId, out var policy) && _byPolicy.TryGetValue(policy, out var places) ? places : null;

    /// <summary>The region (and country, tier) of a datacenter of the topology.</summary>
    public DatacenterPlace? Datacenter(string id) => _datacenters.GetValueOrDefault(id);
}
