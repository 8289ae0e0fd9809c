using System.Collections.Concurrent;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// A bounded cache of loaded private keys. Concurrent first uses of one key load it once; reads
/// take no lock; past capacity the least recently used key is evicted (an approximate LRU: a
/// scan on insert, never on the read path).
/// </summary>
internal sealed class PrivateKeyCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly ILogger _logger;
    private int _loaded;
    private long _loadsTotal;

    public PrivateKeyCache(int capacity, ILogger logger)
    {
        _capacity = capacity;
        _logger = logger;
    }

    public int LoadedCount => Volatile.Read(ref _loaded);

    public long LoadsTotal => Interlocked.Read(ref _loadsTotal);

    public PrivateKeyLease Acquire(IndexedKey key)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(key.KeyId, static (_, state) => new Entry(state.Key, state.Cache), (Key: key, Cache: this));
            if (!ReferenceEquals(entry.Key, key))
            {
                if (entry.Key.Generation < key.Generation)
                {
                    // Indexed again since this entry was made: drop the stale key and load anew.
                    Remove(entry);
                    continue;
                }

                // This request looked its key up before the latest re-index. Serve it from a
                // load of its own rather than evict the newer entry that later requests use.
                var uncached = PrivateKeyLoader.Load(key);
                Interlocked.Increment(ref _loadsTotal);
                return new PrivateKeyLease(uncached);
            }

            PrivateKey loaded;
            try
            {
                loaded = entry.Loaded.Value;
            }
            catch
            {
                // Lazy remembers failures; forget this one so the next request tries again.
                _entries.TryRemove(KeyValuePair.Create(key.KeyId, entry));
                throw;
            }

            // A timestamp, not a shared counter: workers do not contend on one cache line.
            Volatile.Write(ref entry.LastUse, System.Diagnostics.Stopwatch.GetTimestamp());
            if (loaded.TryAddReference())
            {
                if (!_entries.TryGetValue(key.KeyId, out var current) || !ReferenceEquals(current, entry))
                {
                    // Removed (reload, eviction) while it was loading: this operation keeps its own
                    // reference; the cache's reference is dropped here if Remove could not.
                    entry.ReleaseCacheReference(this);
                }
                else if (key.Source is { IsRetired: true })
                {
                    // The key was denied, removed or changed while this request loaded it: the
                    // request finishes with its own reference, the cache keeps nothing. (The
                    // retirement is published before the index's eviction pass, and the reference
                    // above was taken with a full fence, so one of the two always sees the other.)
                    Remove(entry);
                }
                else if (entry.NeedsTrim)
                {
                    entry.NeedsTrim = false;
                    Trim(entry);
                }

                return new PrivateKeyLease(loaded);
            }
        }
    }

    /// <summary>
    /// Drops the loaded private key of <paramref name="keyId"/>, if any (a key grain deactivated);
    /// an operation holding it finishes with it. Returns true when a loaded key was dropped.
    /// </summary>
    public bool Evict(string keyId)
    {
        if (!_entries.TryGetValue(keyId, out var entry))
        {
            return false;
        }

        var wasLoaded = entry.Loaded.IsValueCreated;
        Remove(entry);
        return wasLoaded;
    }

    /// <summary>
    /// Drops the loaded private key of <paramref name="keyId"/> unless <paramref name="index"/>
    /// still serves it as the same <see cref="IndexedKey"/>: the one-key form of
    /// <see cref="EvictStale(KeyIndex)"/>, for a change to one managed key. True when a loaded key was dropped.
    /// </summary>
    public bool EvictStale(string keyId, KeyIndex index)
    {
        if (!_entries.TryGetValue(keyId, out var entry) || (index.TryGetById(keyId, out var current) && ReferenceEquals(current, entry.Key)))
        {
            return false;
        }

        var wasLoaded = entry.Loaded.IsValueCreated;
        Remove(entry);
        return wasLoaded;
    }

    /// <summary>Drops every loaded key; keys in use are freed when their operations finish.</summary>
    public void Clear()
    {
        foreach (var entry in _entries.Values)
        {
            Remove(entry);
        }
    }

    /// <summary>
    /// Drops every loaded key that <paramref name="index"/> no longer serves as the same
    /// <see cref="IndexedKey"/> (removed, refused, or re-indexed as a new entry); keys in use are
    /// freed when their operations finish. Returns the ids of the keys dropped.
    /// </summary>
    public List<string> EvictStale(KeyIndex index)
    {
        var evicted = new List<string>();
        foreach (var entry in _entries.Values)
        {
            if (!index.TryGetById(entry.Key.KeyId, out var current) || !ReferenceEquals(current, entry.Key))
            {
                var wasLoaded = entry.Loaded.IsValueCreated;
                Remove(entry);
                if (wasLoaded)
                {
                    evicted.Add(entry.Key.KeyId);
                }
            }
        }

        return evicted;
    }

    private PrivateKey Load(IndexedKey key)
    {
        var loaded = PrivateKeyLoader.Load(key);
        Interlocked.Increment(ref _loaded);
        Interlocked.Increment(ref _loadsTotal);
        KeyServerLog.PrivateKeyLoaded(_logger, key.KeyId);
        return loaded;
    }

    private void Trim(Entry keep)
    {
        while (_entries.Count > _capacity)
        {
            Entry? oldest = null;
            foreach (var candidate in _entries.Values)
            {
                if (!ReferenceEquals(candidate, keep) && (oldest is null || Volatile.Read(ref candidate.LastUse) < Volatile.Read(ref oldest.LastUse)))
                {
                    oldest = candidate;
                }
            }

            if (oldest is null)
            {
                return;
            }

            Remove(oldest);
            KeyServerLog.PrivateKeyEvicted(_logger, oldest.Key.KeyId);
        }
    }

    private void Remove(Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(entry.Key.KeyId, entry)) && entry.Loaded.IsValueCreated)
        {
            entry.ReleaseCacheReference(this);
        }
    }

    private sealed class Entry
    {
        public long LastUse;
        public volatile bool NeedsTrim = true;

        public Entry(IndexedKey key, PrivateKeyCache cache)
        {
            Key = key;
            Loaded = new Lazy<PrivateKey>(() => cache.Load(key), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        private int _released;

        public IndexedKey Key { get; }

        public Lazy<PrivateKey> Loaded { get; }

        /// <summary>Drops the cache's reference to the loaded key, once whoever gets here first.</summary>
        public void ReleaseCacheReference(PrivateKeyCache cache)
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref cache._loaded);
                Loaded.Value.Release();
                Key.Source?.Unloaded();
            }
        }
    }
}
