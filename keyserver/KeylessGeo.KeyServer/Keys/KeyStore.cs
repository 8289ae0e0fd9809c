using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Indexes the key folders (public information only) together with the control plane's
/// managed keys, and hands out loaded private keys. The index is read without locks: the key
/// folders' part is an immutable snapshot replaced by <see cref="Reload"/>; the managed keys' part
/// is swapped whole by <see cref="ApplyManagedKeys"/> and changed a key at a time by
/// <see cref="ApplyManagedKeyChanges"/>.
/// </summary>
/// <remarks>
/// Directory keys come first in the index, so a key file wins over a managed key claiming the
/// same key id, SKI, certificate digest or host name: the operator of this machine put the file
/// there on purpose, and a control-plane change cannot take a local key over. A shadowed
/// managed key id is logged.
/// </remarks>
internal sealed class KeyStore : IKeyStore, IDisposable
{
    private const string ManagedKeysPending =
        "the keyserver has not read its managed keys from the control-plane store yet; try again or another keyserver";

    private readonly KeyDirectoryScanner _directories;
    private readonly Pkcs11.Pkcs11KeyProvider? _pkcs11;
    private readonly bool _hasDirectories;
    private readonly ILogger<KeyStore> _logger;
    private readonly PrivateKeyCache _cache;
    private readonly Lock _reloadLock = new();
    private long _generation;
    private KeyIndex? _index;
    private IReadOnlyList<IndexedKey> _directoryKeys = [];
    private HashSet<string> _directoryIds = new(StringComparer.Ordinal);

    // Every managed key in force, shadowed or not (written under the reload lock only), and the
    // lookup layer of those no key file shadows.
    private Dictionary<string, IndexedKey> _managed = new(StringComparer.Ordinal);
    private ManagedKeyIndex _managedIndex = new();
    private bool _managedKeysPending;
    private bool _managedKeysApplied;
    private HashSet<string> _shadowed = new(StringComparer.Ordinal);

    public KeyStore(IOptions<KeyServerOptions> options, ILogger<KeyStore> logger, Pkcs11.Pkcs11KeyProvider? pkcs11 = null)
    {
        _directories = new KeyDirectoryScanner(options.Value.AllKeysDirectories(), logger);
        _hasDirectories = options.Value.AllKeysDirectories().Count > 0;
        _pkcs11 = pkcs11;
        _logger = logger;
        _cache = new PrivateKeyCache(options.Value.PrivateKeyCacheCapacity, logger);
    }

    public int IndexedKeyCount => Index.Count;

    /// <summary>True once the first index is built and, where managed keys are expected, the first set applied (readiness).</summary>
    public bool IsReady => Volatile.Read(ref _index) is not null && !Volatile.Read(ref _managedKeysPending);

    public int LoadedPrivateKeyCount => _cache.LoadedCount;

    /// <summary>Private key loads since start (for tests and diagnostics).</summary>
    public long PrivateKeyLoadsTotal => _cache.LoadsTotal;

    private KeyIndex Index => Volatile.Read(ref _index) ?? EnsureIndexed();

    /// <summary>Finds the key a request refers to (see <see cref="KeyIndex.Find"/>).</summary>
    public KeyLookupResult Find(KeyRef? reference) => Index.Find(reference);

    /// <summary>The index entry of <paramref name="keyId"/> (served or refused), if the index has one.</summary>
    public bool TryGetById(string keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => Index.TryGetById(keyId, out key);

    /// <summary>Drops the loaded private key of <paramref name="keyId"/>; true when one was loaded.</summary>
    public bool Evict(string keyId) => _cache.Evict(keyId);

    /// <summary>Leases the loaded private key, loading it on first use.</summary>
    public PrivateKeyLease Acquire(IndexedKey key) => _cache.Acquire(key);

    /// <summary>A number larger than every generation handed out before (see <see cref="IndexedKey.Generation"/>).</summary>
    public long NextGeneration() => Interlocked.Increment(ref _generation);

    public int Reload()
    {
        lock (_reloadLock)
        {
            ReloadDirectory();
            return _index!.Count;
        }
    }

    /// <summary>
    /// Re-reads the key folders (see <see cref="Reload"/>) and says what changed. A folder that
    /// cannot be listed keeps the keys of its last good read in force (none on the first read);
    /// when no folder can be listed, nothing changes at all.
    /// </summary>
    public KeyDirectoryReload ReloadDirectory()
    {
        lock (_reloadLock)
        {
            var generation = NextGeneration();
            var scan = _directories.Scan(generation);
            if (scan.NothingRead && _hasDirectories && _index is not null)
            {
                return new KeyDirectoryReload { DirectoryUnreadable = true, Served = _directoryKeys.Count, UnreadableDirectories = scan.UnreadableDirectories };
            }

            // Keys on PKCS#11 tokens are re-read with the folders and indexed like their key files.
            var tokenKeys = _pkcs11?.ReadKeys(generation, scan.Keys) ?? [];
            var previous = _directoryKeys;
            _directoryKeys = tokenKeys.Count == 0 ? scan.Keys : [.. scan.Keys, .. tokenKeys];
            Publish();
            return Compare(previous, _directoryKeys, scan);
        }
    }

    /// <summary>
    /// Declares that managed keys will be applied: until the first <see cref="ApplyManagedKeys"/>,
    /// a lookup that matches no directory key is a transient <c>INTERNAL</c> error, not
    /// <c>KEY_NOT_FOUND</c>, because the key may well exist in the control plane.
    /// </summary>
    public void ExpectManagedKeys()
    {
        lock (_reloadLock)
        {
            if (_managedKeysPending || _managedKeysApplied)
            {
                return;
            }

            _managedKeysPending = true;
            if (_index is not null)
            {
                Publish();
            }
        }
    }

    /// <summary>
    /// Swaps in a new set of managed keys, built aside (a first set, or a re-sync from a snapshot):
    /// new lookups see all of it at once. Managed keys of the previous set that are not in
    /// <paramref name="keys"/> (the same <see cref="IndexedKey"/> object: removed, refused or changed
    /// keys are new objects) are retired, and their loaded private keys dropped from the cache;
    /// operations already holding one finish with it. Returns the ids of the loaded private keys
    /// that were dropped. <paramref name="keys"/> are in key id order (the first claim of an
    /// identifier wins).
    /// </summary>
    public IReadOnlyList<string> ApplyManagedKeys(IReadOnlyList<IndexedKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_reloadLock)
        {
            var directory = Index;
            var previous = _managed;
            var managed = new Dictionary<string, IndexedKey>(keys.Count, StringComparer.Ordinal);
            var managedIndex = ManagedKeyIndex.ForWholeSet(keys.Count);
            var shadowed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (!managed.TryAdd(key.KeyId, key))
                {
                    continue;
                }

                if (_directoryIds.Contains(key.KeyId))
                {
                    Shadow(shadowed, key.KeyId);
                    continue;
                }

                managedIndex.Set(key, null);
            }

            managedIndex.Seal();
            _managed = managed;
            _managedIndex = managedIndex;
            _shadowed = shadowed;
            _managedKeysPending = false;
            _managedKeysApplied = true;
            var index = directory.WithManaged(managedIndex, KeyLookupResult.NotFound);
            Volatile.Write(ref _index, index);
            foreach (var key in previous.Values)
            {
                if (!managed.TryGetValue(key.KeyId, out var kept) || !ReferenceEquals(kept, key))
                {
                    key.Source?.Retire();
                }
            }

            return _cache.EvictStale(index);
        }
    }

    /// <summary>
    /// Changes the managed keys in force by a delta: <paramref name="upserts"/> are added or replace
    /// the entry with their key id, <paramref name="removedKeyIds"/> go. Costs in proportion to the
    /// change: each index (by id, SKI, digest, host name, IP) is updated per key, not rebuilt. A
    /// replaced or removed entry is retired and its loaded private key dropped, as with
    /// <see cref="ApplyManagedKeys"/>; returns the ids of the loaded private keys dropped. Call
    /// <see cref="ApplyManagedKeys"/> first: a delta changes a set in force.
    /// </summary>
    public IReadOnlyList<string> ApplyManagedKeyChanges(IReadOnlyList<IndexedKey> upserts, IReadOnlyList<string> removedKeyIds)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(removedKeyIds);
        lock (_reloadLock)
        {
            if (!_managedKeysApplied)
            {
                throw new InvalidOperationException("a managed key delta was applied before any managed key set");
            }

            var touched = new List<string>(upserts.Count + removedKeyIds.Count);
            foreach (var key in upserts)
            {
                _managed.TryGetValue(key.KeyId, out var old);
                if (ReferenceEquals(old, key))
                {
                    continue;
                }

                _managed[key.KeyId] = key;
                if (_directoryIds.Contains(key.KeyId))
                {
                    Shadow(_shadowed, key.KeyId);
                }
                else
                {
                    _managedIndex.Set(key, old);
                }

                old?.Source?.Retire();
                touched.Add(key.KeyId);
            }

            foreach (var keyId in removedKeyIds)
            {
                if (!_managed.Remove(keyId, out var old))
                {
                    continue;
                }

                if (!_shadowed.Remove(keyId))
                {
                    _managedIndex.Remove(old);
                }

                old.Source?.Retire();
                touched.Add(keyId);
            }

            var index = Index;
            var evicted = new List<string>();
            foreach (var keyId in touched)
            {
                if (_cache.EvictStale(keyId, index))
                {
                    evicted.Add(keyId);
                }
            }

            return evicted;
        }
    }

    public void Dispose() => _cache.Clear();

    private KeyIndex EnsureIndexed()
    {
        lock (_reloadLock)
        {
            if (_index is null)
            {
                Reload();
            }

            return _index!;
        }
    }

    private KeyIndex Publish()
    {
        var index = PublishIndex();
        _cache.EvictStale(index);
        return index;
    }

    /// <summary>
    /// Publishes the index of the directory keys over the managed key layer. Managed keys whose id a
    /// key file now claims leave the layer (and are logged once); those no longer shadowed return to
    /// it: a cost in proportion to the directory, not to the managed keys.
    /// </summary>
    private KeyIndex PublishIndex()
    {
        var directoryIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in _directoryKeys)
        {
            directoryIds.Add(key.KeyId);
        }

        var miss = _managedKeysPending ? KeyLookupResult.Unavailable(ManagedKeysPending) : KeyLookupResult.NotFound;
        var index = new KeyIndex(_directoryKeys, miss, _managedIndex);
        Volatile.Write(ref _index, index);
        _directoryIds = directoryIds;

        var shadowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in directoryIds)
        {
            if (_managed.TryGetValue(id, out var key))
            {
                if (!_shadowed.Contains(id))
                {
                    _managedIndex.Remove(key);
                }

                Shadow(shadowed, id);
            }
        }

        foreach (var id in _shadowed)
        {
            if (!shadowed.Contains(id) && _managed.TryGetValue(id, out var key))
            {
                _managedIndex.Set(key, null);
            }
        }

        _shadowed = shadowed;
        return index;
    }

    // Logged when a key file first hides the managed key with its id.
    private void Shadow(HashSet<string> shadowed, string keyId)
    {
        if (!_shadowed.Contains(keyId))
        {
            KeyServerLog.ManagedKeyShadowed(_logger, keyId, _directories.Description);
        }

        shadowed.Add(keyId);
    }

    private static KeyDirectoryReload Compare(IReadOnlyList<IndexedKey> previous, IReadOnlyList<IndexedKey> current, KeyDirectoryScan scan)
    {
        var before = new Dictionary<string, IndexedKey>(StringComparer.Ordinal);
        foreach (var key in previous)
        {
            before[key.KeyId] = key;
        }

        int added = 0, changed = 0;
        foreach (var key in current)
        {
            if (!before.Remove(key.KeyId, out var old))
            {
                added++;
            }
            else if (!old.SubjectPublicKeyInfo.AsSpan().SequenceEqual(key.SubjectPublicKeyInfo))
            {
                changed++;
            }
        }

        return new KeyDirectoryReload
        {
            DirectoryUnreadable = scan.NothingRead,
            Served = current.Count,
            Added = added,
            Removed = before.Count,
            Changed = changed,
            RefusedFiles = scan.RefusedFiles,
            UnreadableDirectories = scan.UnreadableDirectories,
        };
    }
}
