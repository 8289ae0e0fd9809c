using System.Collections.Concurrent;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// A map read by many threads without locks and written by one, for indexes of a million keys
/// built at once and then changed a key at a time. The entries of the build go into a plain
/// dictionary (no object per entry, nothing for the garbage collector to trace per entry, about
/// half the memory of a concurrent one); once <see cref="Seal"/>ed, that dictionary is never
/// written again: changes go into a small concurrent overlay (a removal is a null entry), which
/// is folded into a new base, published whole, when it grows past a quarter of the base. A
/// reader takes the base and overlay published together, so a lookup sees each change either
/// before or after it, never a half-built base.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type (a class: null marks a removal in the overlay).</typeparam>
/// <typeparam name="TAlternate">The span type lookups use (see <see cref="Dictionary{TKey, TValue}.GetAlternateLookup{TAlternate}"/>).</typeparam>
internal sealed class ReadMostlyMap<TKey, TValue, TAlternate>
    where TKey : notnull
    where TValue : class
    where TAlternate : notnull, allows ref struct
{
    private const int MinimumFoldAt = 1024;
    private readonly IEqualityComparer<TKey> _comparer;
    private Layers _layers;
    private bool _sealed;
    private int _count;
    private int _overlayEntries;

    /// <summary>An empty map taking entries into its base until <see cref="Seal"/> (<paramref name="sealed"/>: at once into the overlay).</summary>
    public ReadMostlyMap(IEqualityComparer<TKey> comparer, int capacity = 0, bool @sealed = true)
    {
        _comparer = comparer;
        _layers = new Layers(new Dictionary<TKey, TValue>(capacity, comparer), comparer);
        _sealed = @sealed;
    }

    /// <summary>How many keys map to a value (written by the writer; exact for it, a recent value for readers).</summary>
    public int Count => Volatile.Read(ref _count);

    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TValue? value)
    {
        var layers = Volatile.Read(ref _layers);
        if (layers.Overlay.TryGetValue(key, out var changed))
        {
            value = changed;
            return changed is not null;
        }

        return layers.Base.TryGetValue(key, out value);
    }

    public bool TryGetValue(TAlternate key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TValue? value)
    {
        var layers = Volatile.Read(ref _layers);
        if (layers.OverlayLookup.TryGetValue(key, out var changed))
        {
            value = changed;
            return changed is not null;
        }

        return layers.BaseLookup.TryGetValue(key, out value);
    }

    /// <summary>
    /// Ends the build: the base is complete and from now on read only (call before the map is
    /// shared with readers; later writes go to the overlay).
    /// </summary>
    public void Seal() => _sealed = true;

    /// <summary>Adds <paramref name="key"/> unless it maps to a value already (writer only).</summary>
    public bool TryAdd(TKey key, TValue value)
    {
        if (!_sealed)
        {
            if (!_layers.Base.TryAdd(key, value))
            {
                return false;
            }

            _count++;
            return true;
        }

        if (TryGetValue(key, out _))
        {
            return false;
        }

        Set(key, value);
        return true;
    }

    /// <summary>Maps <paramref name="key"/> to <paramref name="value"/> (writer only).</summary>
    public void Set(TKey key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_sealed)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_layers.Base, key, out var existed);
            slot = value;
            if (!existed)
            {
                _count++;
            }

            return;
        }

        var had = TryGetValue(key, out _);
        Write(key, value);
        if (!had)
        {
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Removes <paramref name="key"/>; false when it mapped to nothing (writer only).</summary>
    public bool Remove(TKey key)
    {
        if (!_sealed)
        {
            if (!_layers.Base.Remove(key))
            {
                return false;
            }

            _count--;
            return true;
        }

        if (!TryGetValue(key, out _))
        {
            return false;
        }

        Write(key, null);
        Volatile.Write(ref _count, _count - 1);
        return true;
    }

    private void Write(TKey key, TValue? value)
    {
        var layers = _layers;
        if (!layers.Overlay.ContainsKey(key))
        {
            _overlayEntries++;
        }

        layers.Overlay[key] = value;
        if (_overlayEntries > Math.Max(MinimumFoldAt, layers.Base.Count / 4))
        {
            Fold(layers);
        }
    }

    // A new base with the overlay's changes, published with an empty overlay: readers on the old
    // pair keep a consistent view; the old base is never written.
    private void Fold(Layers layers)
    {
        var folded = new Dictionary<TKey, TValue>(layers.Base, _comparer);
        foreach (var (key, value) in layers.Overlay)
        {
            if (value is null)
            {
                folded.Remove(key);
            }
            else
            {
                folded[key] = value;
            }
        }

        _overlayEntries = 0;
        Volatile.Write(ref _layers, new Layers(folded, _comparer));
    }

    private sealed class Layers
    {
        public Layers(Dictionary<TKey, TValue> @base, IEqualityComparer<TKey> comparer)
        {
            Base = @base;
            BaseLookup = @base.GetAlternateLookup<TAlternate>();
            Overlay = new ConcurrentDictionary<TKey, TValue?>(comparer);
            OverlayLookup = Overlay.GetAlternateLookup<TAlternate>();
        }

        public Dictionary<TKey, TValue> Base { get; }

        public Dictionary<TKey, TValue>.AlternateLookup<TAlternate> BaseLookup { get; }

        public ConcurrentDictionary<TKey, TValue?> Overlay { get; }

        public ConcurrentDictionary<TKey, TValue?>.AlternateLookup<TAlternate> OverlayLookup { get; }
    }
}
