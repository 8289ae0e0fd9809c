using System.Collections.Frozen;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>The managed keys of one snapshot as this datacenter indexes them (servable and refused alike).</summary>
internal sealed class ManagedKeySet
{
    private readonly FrozenDictionary<string, IndexedKey> _byId;

    public ManagedKeySet(long revision, IReadOnlyList<IndexedKey> keys)
    {
        Revision = revision;
        Keys = keys;
        _byId = keys.ToFrozenDictionary(static k => k.KeyId, StringComparer.Ordinal);
        int servable = 0, denied = 0, unavailable = 0;
        foreach (var key in keys)
        {
            switch (FactsOf(key).Status)
            {
                case ManagedKeyStatus.Servable:
                    servable++;
                    break;
                case ManagedKeyStatus.Denied:
                    denied++;
                    break;
                default:
                    unavailable++;
                    break;
            }
        }

        Counts = new ManagedKeyCounts(servable, denied, unavailable);
    }

    public static ManagedKeySet Empty { get; } = new(0, []);

    /// <summary>The snapshot revision this set was built from.</summary>
    public long Revision { get; }

    /// <summary>One index entry per managed key, in key id order.</summary>
    public IReadOnlyList<IndexedKey> Keys { get; }

    public ManagedKeyCounts Counts { get; }

    /// <summary>The facts behind a managed key's index entry.</summary>
    public static ManagedKeyFacts FactsOf(IndexedKey key) => ((ManagedKeySource)key.Source!).Facts;

    public bool TryGet(string keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _byId.TryGetValue(keyId, out key);
}
