namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// One identifier index of the managed keys (SKI, digest, host name, …) that changes a key at a
/// time: readers look up the winning key of an identifier without locks or allocation; the one
/// writer (under the key store's lock) claims and releases identifiers in O(1). When several keys
/// claim one identifier, the one with the smallest key id (ordinal) wins, as in an index built in
/// key id order where the first claim wins; the losers are remembered so the next one takes over
/// when the winner goes. A key replaced by a new version of itself (same key id) is swapped in one
/// write, so a lookup never misses it in between.
/// </summary>
/// <typeparam name="TKey">The identifier type.</typeparam>
/// <typeparam name="TAlternate">The span type lookups use.</typeparam>
internal sealed class KeyClaims<TKey, TAlternate>
    where TKey : notnull
    where TAlternate : notnull, allows ref struct
{
    // A plain dictionary filled by a whole set's build, then read only; later changes in an overlay.
    private readonly ReadMostlyMap<TKey, IndexedKey, TAlternate> _winners;

    // Written and read by the writer only: identifiers claimed by more than one key, claimants sorted by key id.
    private readonly Dictionary<TKey, List<IndexedKey>> _contested;

    /// <summary>
    /// Claims for about <paramref name="capacity"/> identifiers; with <paramref name="building"/>, a
    /// whole set's claims are taken into the read-only base until <see cref="Seal"/> (before any reader sees them).
    /// </summary>
    public KeyClaims(IEqualityComparer<TKey> comparer, int capacity = 0, bool building = false)
    {
        _winners = new ReadMostlyMap<TKey, IndexedKey, TAlternate>(comparer, capacity, @sealed: !building);
        _contested = new Dictionary<TKey, List<IndexedKey>>(comparer);
    }

    /// <summary>How many identifiers are claimed.</summary>
    public int Count => _winners.Count;

    /// <summary>The key that wins <paramref name="identifier"/>.</summary>
    public bool TryGetValue(TAlternate identifier, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) =>
        _winners.TryGetValue(identifier, out key);

    /// <summary>The key that wins <paramref name="identifier"/>.</summary>
    public bool TryGetValue(TKey identifier, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) =>
        _winners.TryGetValue(identifier, out key);

    /// <summary>Ends a whole set's build (see the constructor): later claims and releases go to the overlay readers see.</summary>
    public void Seal() => _winners.Seal();

    /// <summary><paramref name="key"/> claims <paramref name="identifier"/>, replacing the claim of an entry with its key id.</summary>
    public void Claim(TKey identifier, IndexedKey key)
    {
        // The first claim of an identifier (nearly every claim when a whole set is indexed) is one write.
        if (_winners.TryAdd(identifier, key))
        {
            return;
        }

        // Found: the add above failed, and only this writer changes the map.
        var winner = _winners.TryGetValue(identifier, out var held) ? held : throw new InvalidOperationException($"identifier claim lost: {identifier}");

        if (_contested.TryGetValue(identifier, out var claimants))
        {
            var at = Find(claimants, key.KeyId);
            if (at >= 0)
            {
                claimants[at] = key;
            }
            else
            {
                claimants.Insert(~at, key);
            }

            Publish(identifier, claimants[0]);
            return;
        }

        if (string.Equals(winner.KeyId, key.KeyId, StringComparison.Ordinal))
        {
            _winners.Set(identifier, key);
            return;
        }

        claimants = string.CompareOrdinal(winner.KeyId, key.KeyId) < 0 ? [winner, key] : [key, winner];
        _contested[identifier] = claimants;
        Publish(identifier, claimants[0]);
    }

    /// <summary>The entry with <paramref name="keyId"/> no longer claims <paramref name="identifier"/>.</summary>
    public void Release(TKey identifier, string keyId)
    {
        if (_contested.TryGetValue(identifier, out var claimants))
        {
            var at = Find(claimants, keyId);
            if (at < 0)
            {
                return;
            }

            claimants.RemoveAt(at);
            if (claimants.Count == 1)
            {
                _contested.Remove(identifier);
            }

            Publish(identifier, claimants[0]);
            return;
        }

        if (_winners.TryGetValue(identifier, out var winner) && string.Equals(winner.KeyId, keyId, StringComparison.Ordinal))
        {
            _winners.Remove(identifier);
        }
    }

    private void Publish(TKey identifier, IndexedKey winner)
    {
        if (!_winners.TryGetValue(identifier, out var current) || !ReferenceEquals(current, winner))
        {
            _winners.Set(identifier, winner);
        }
    }

    // Claimants are few (usually two); a binary search keeps them sorted by key id.
    private static int Find(List<IndexedKey> claimants, string keyId)
    {
        int low = 0, high = claimants.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(claimants[middle].KeyId, keyId);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
