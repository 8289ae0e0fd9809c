using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// One change page's edits to the key entries and their indexes by policy and by SKI, kept
/// consistent: a key that moves to another policy or changes its SKI leaves the old index entry.
/// </summary>
internal sealed class KeyIndexEdit
{
    private readonly ImmutableDictionary<string, KeyEntry>.Builder _keys;
    private readonly ImmutableDictionary<string, ImmutableSortedSet<string>>.Builder _byPolicy;
    private readonly ImmutableDictionary<byte[], ImmutableSortedSet<string>>.Builder _bySki;

    public KeyIndexEdit(
        ImmutableDictionary<string, KeyEntry> keys,
        ImmutableDictionary<string, ImmutableSortedSet<string>> byPolicy,
        ImmutableDictionary<byte[], ImmutableSortedSet<string>> bySki)
    {
        _keys = keys.ToBuilder();
        _byPolicy = byPolicy.ToBuilder();
        _bySki = bySki.ToBuilder();
    }

    /// <summary>Key <paramref name="keyId"/> is now <paramref name="record"/> (null: removed), last written at <paramref name="changedAt"/>.</summary>
    public void Set(string keyId, ManagedKeyRecord? record, long changedAt)
    {
        if (_keys.TryGetValue(keyId, out var old))
        {
            Remove(_byPolicy, old.PolicyId, keyId);
            Remove(_bySki, old.Ski, keyId);
        }

        if (record is null)
        {
            _keys.Remove(keyId);
            return;
        }

        _keys[keyId] = new KeyEntry(record.PolicyId, record.Ski, changedAt);
        Add(_byPolicy, record.PolicyId, keyId);
        Add(_bySki, record.Ski, keyId);
    }

    public (ImmutableDictionary<string, KeyEntry> Keys, ImmutableDictionary<string, ImmutableSortedSet<string>> ByPolicy, ImmutableDictionary<byte[], ImmutableSortedSet<string>> BySki) ToImmutable() =>
        (_keys.ToImmutable(), _byPolicy.ToImmutable(), _bySki.ToImmutable());

    private static void Add<TKey>(ImmutableDictionary<TKey, ImmutableSortedSet<string>>.Builder index, TKey key, string keyId)
        where TKey : notnull =>
        index[key] = (index.GetValueOrDefault(key) ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Add(keyId);

    private static void Remove<TKey>(ImmutableDictionary<TKey, ImmutableSortedSet<string>>.Builder index, TKey key, string keyId)
        where TKey : notnull
    {
        if (index.GetValueOrDefault(key) is not { } ids)
        {
            return;
        }

        var rest = ids.Remove(keyId);
        if (rest.IsEmpty)
        {
            index.Remove(key);
        }
        else
        {
            index[key] = rest;
        }
    }
}
