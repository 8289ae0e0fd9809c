using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// An id index over one of a snapshot's collections, built on the first lookup that needs it, so
/// finding every record of a large snapshot by id costs O(n) in all rather than O(n) each. Tied to
/// the array it indexes: a snapshot copied with another collection (<c>with</c>) builds its own.
/// When ids repeat, the first record wins, as a scan would find it.
/// </summary>
internal sealed class SnapshotLookup<T>
    where T : class
{
    /// <summary>Collections this small are scanned: an index would cost more than it saves.</summary>
    public const int ScanBelow = 32;

    private readonly Dictionary<string, T> _byId;

    private SnapshotLookup(ImmutableArray<T> source, Func<T, string> idOf)
    {
        Source = source;
        _byId = new Dictionary<string, T>(source.Length, StringComparer.Ordinal);
        foreach (var item in source)
        {
            _byId.TryAdd(idOf(item), item);
        }
    }

    /// <summary>The collection indexed.</summary>
    public ImmutableArray<T> Source { get; }

    /// <summary>The record with <paramref name="id"/> in <paramref name="items"/>, indexing them in <paramref name="cache"/> first when needed.</summary>
    public static T? Find(ImmutableArray<T> items, ref SnapshotLookup<T>? cache, string id, Func<T, string> idOf)
    {
        if (items.Length < ScanBelow)
        {
            foreach (var item in items)
            {
                if (string.Equals(idOf(item), id, StringComparison.Ordinal))
                {
                    return item;
                }
            }

            return null;
        }

        var lookup = Volatile.Read(ref cache);
        if (lookup is null || lookup.Source != items)
        {
            // Racing readers may each build one; they are equal, and the last one stays.
            lookup = new SnapshotLookup<T>(items, idOf);
            Volatile.Write(ref cache, lookup);
        }

        return lookup._byId.GetValueOrDefault(id);
    }
}
