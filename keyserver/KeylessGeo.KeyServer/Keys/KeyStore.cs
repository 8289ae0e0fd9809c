using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Indexes the key folders (public information only) together with the control plane's
/// managed keys, and hands out loaded private keys. The index is an immutable snapshot read
/// without locks and replaced by <see cref="Reload"/> and <see cref="ApplyManagedKeys"/>.
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
    private IReadOnlyList<IndexedKey> _managedKeys = [];
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

    public int IndexedKeyCount => Index.Keys.Count;

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
            return _index!.Keys.Count;
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
    /// Swaps in a new set of managed keys. New lookups see it at once. Managed keys of the
    /// previous set that are not in <paramref name="keys"/> (the same <see cref="IndexedKey"/>
    /// object: removed, refused or changed keys are new objects) are retired, and their loaded
    /// private keys dropped from the cache; operations already holding one finish with it.
    /// Returns the ids of the loaded private keys that were dropped.
    /// </summary>
    public IReadOnlyList<string> ApplyManagedKeys(IReadOnlyList<IndexedKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_reloadLock)
        {
            _ = Index;
            var previous = _managedKeys;
            _managedKeys = keys;
            _managedKeysPending = false;
            _managedKeysApplied = true;
            var index = PublishIndex();
            var kept = new HashSet<IndexedKey>(keys, ReferenceEqualityComparer.Instance);
            foreach (var key in previous)
            {
                if (!kept.Contains(key))
                {
                    key.Source?.Retire();
                }
            }

            return _cache.EvictStale(index);
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

    private KeyIndex PublishIndex()
    {
        List<IndexedKey> keys = [.. _directoryKeys];
        var shadowed = new HashSet<string>(StringComparer.Ordinal);
        if (_managedKeys.Count > 0)
        {
            var directoryIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in _directoryKeys)
            {
                directoryIds.Add(key.KeyId);
            }

            foreach (var key in _managedKeys)
            {
                if (directoryIds.Contains(key.KeyId))
                {
                    shadowed.Add(key.KeyId);
                    if (!_shadowed.Contains(key.KeyId))
                    {
                        KeyServerLog.ManagedKeyShadowed(_logger, key.KeyId, _directories.Description);
                    }

                    continue;
                }

                keys.Add(key);
            }
        }

        _shadowed = shadowed;
        var index = new KeyIndex(keys, _managedKeysPending ? KeyLookupResult.Unavailable(ManagedKeysPending) : KeyLookupResult.NotFound);
        Volatile.Write(ref _index, index);
        return index;
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
