using KeylessGeo.KeyServer.Keys;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The managed keys this datacenter indexes (servable and refused alike), with what deciding them
/// needs: the topology and each policy's verdict, and an index from policy to the keys under it,
/// so a changed policy re-decides only its own keys. Built whole from a snapshot
/// (<see cref="ManagedKeySetBuilder.Build"/>) and then changed in place by deltas
/// (<see cref="ManagedKeySetBuilder.Apply"/>); the change feed is its only reader and writer.
/// </summary>
internal sealed class ManagedKeySet
{
    private readonly Dictionary<string, IndexedKey> _byId;
    private readonly Dictionary<string, HashSet<string>> _keysByPolicy = new(StringComparer.Ordinal);
    private int _servable;
    private int _denied;
    private int _unavailable;

    // The keys as built, in key id order, until the first change.
    private IReadOnlyList<IndexedKey>? _built;

    /// <summary>A set of <paramref name="keys"/> (in key id order) decided under <paramref name="verdicts"/>.</summary>
    public ManagedKeySet(
        long revision, IReadOnlyList<IndexedKey> keys, DatacenterTopology? topology = null, string? topologyProblem = null,
        Dictionary<string, PolicyVerdict>? verdicts = null)
    {
        Revision = revision;
        Topology = topology;
        TopologyProblem = topologyProblem;
        Verdicts = verdicts ?? new Dictionary<string, PolicyVerdict>(StringComparer.Ordinal);
        _byId = new Dictionary<string, IndexedKey>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            // Built in key id order, each id once: added, not replaced (one lookup per key, not three).
            if (!_byId.TryAdd(key.KeyId, key))
            {
                Set(key);
                continue;
            }

            Track(key);
        }

        _built = keys;
    }

    public static ManagedKeySet Empty => new(0, []);

    /// <summary>The revision this set is at.</summary>
    public long Revision { get; set; }

    /// <summary>The topology the keys were decided under (null when the store's topology is invalid).</summary>
    public DatacenterTopology? Topology { get; }

    /// <summary>Why <see cref="Topology"/> is null.</summary>
    public string? TopologyProblem { get; }

    /// <summary>Every policy's verdict for this datacenter, by policy id.</summary>
    public Dictionary<string, PolicyVerdict> Verdicts { get; }

    /// <summary>How many keys the set holds now.</summary>
    public int Count => _byId.Count;

    public ManagedKeyCounts Counts => new(_servable, _denied, _unavailable);

    /// <summary>Every key id the set holds now, in no particular order.</summary>
    public IEnumerable<string> KeyIds => _byId.Keys;

    /// <summary>The facts behind a managed key's index entry.</summary>
    public static ManagedKeyFacts FactsOf(IndexedKey key) => ((ManagedKeySource)key.Source!).Facts;

    /// <summary>
    /// Every entry, in key id order (the order a key store indexes a whole set in). The list the set
    /// was built from is handed over, not kept: a set swapped in does not hold a second reference per key.
    /// </summary>
    public IReadOnlyList<IndexedKey> InKeyIdOrder()
    {
        var built = _built;
        _built = null;
        return built ?? [.. _byId.Values.OrderBy(static k => k.KeyId, StringComparer.Ordinal)];
    }

    public bool TryGet(string keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _byId.TryGetValue(keyId, out key);

    /// <summary>The ids of the keys whose record names <paramref name="policyId"/> (whether or not the policy exists).</summary>
    public IReadOnlyCollection<string> KeysOf(string policyId) =>
        _keysByPolicy.TryGetValue(policyId, out var keys) ? keys : [];

    /// <summary>Adds <paramref name="key"/> or replaces the entry with its key id.</summary>
    public void Set(IndexedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Remove(key.KeyId);
        _built = null;
        _byId[key.KeyId] = key;
        Track(key);
    }

    /// <summary>Removes the entry of <paramref name="keyId"/>; false when there was none.</summary>
    public bool Remove(string keyId)
    {
        if (!_byId.Remove(keyId, out var old))
        {
            return false;
        }

        _built = null;
        var facts = FactsOf(old);
        Tally(facts.Status, -1);
        if (_keysByPolicy.TryGetValue(facts.Record.PolicyId, out var keys) && keys.Remove(keyId) && keys.Count == 0)
        {
            _keysByPolicy.Remove(facts.Record.PolicyId);
        }

        return true;
    }

    // Counts a key just added to _byId and files it under its policy.
    private void Track(IndexedKey key)
    {
        var facts = FactsOf(key);
        Tally(facts.Status, +1);
        ref var keys = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_keysByPolicy, facts.Record.PolicyId, out _);
        keys ??= new HashSet<string>(StringComparer.Ordinal);
        keys.Add(key.KeyId);
    }

    private void Tally(ManagedKeyStatus status, int by)
    {
        switch (status)
        {
            case ManagedKeyStatus.Servable:
                _servable += by;
                break;
            case ManagedKeyStatus.Denied:
                _denied += by;
                break;
            default:
                _unavailable += by;
                break;
        }
    }
}
