using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Indexes the key directory (public information only) and hands out loaded private keys.
/// The index is an immutable snapshot read without locks and replaced by <see cref="Reload"/>.
/// </summary>
internal sealed class KeyStore : IKeyStore, IDisposable
{
    private readonly string _directory;
    private readonly ILogger<KeyStore> _logger;
    private readonly PrivateKeyCache _cache;
    private readonly Lock _reloadLock = new();
    private long _generation;
    private KeyIndex? _index;

    public KeyStore(IOptions<KeyServerOptions> options, ILogger<KeyStore> logger)
    {
        _directory = options.Value.KeysDirectory;
        _logger = logger;
        _cache = new PrivateKeyCache(options.Value.PrivateKeyCacheCapacity, logger);
    }

    public int IndexedKeyCount => Index.Keys.Count;

    public int LoadedPrivateKeyCount => _cache.LoadedCount;

    /// <summary>Private key loads since start (for tests and diagnostics).</summary>
    public long PrivateKeyLoadsTotal => _cache.LoadsTotal;

    private KeyIndex Index => Volatile.Read(ref _index) ?? EnsureIndexed();

    /// <summary>Finds the key a request refers to (see <see cref="KeyIndex.Find"/>).</summary>
    public KeyLookupResult Find(KeyRef? reference) => Index.Find(reference);

    /// <summary>Leases the loaded private key, loading it on first use.</summary>
    public PrivateKeyLease Acquire(IndexedKey key) => _cache.Acquire(key);

    public int Reload()
    {
        lock (_reloadLock)
        {
            var index = new KeyIndex(Scan(++_generation));
            Volatile.Write(ref _index, index);
            _cache.Clear();
            KeyServerLog.KeyDirectoryIndexed(_logger, _directory, index.Keys.Count);
            return index.Keys.Count;
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

    private List<IndexedKey> Scan(long generation)
    {
        var keys = new List<IndexedKey>();
        string[] files;
        try
        {
            files = Directory.GetFiles(_directory, "*.key");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            KeyServerLog.KeyDirectoryUnreadable(_logger, _directory, e);
            return keys;
        }

        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                var key = KeyFileIndexer.Index(file, _logger) with { Generation = generation };
                keys.Add(key);
                KeyServerLog.KeyIndexed(_logger, key.KeyId, key.Algorithm.Name(), key.PublicKeySource);
            }
            catch (KeyFileException e)
            {
                KeyServerLog.KeyFileRefused(_logger, file, e.Message);
            }
            catch (CryptographicException e)
            {
                // A malformed certificate or public key file: this key is not served, the others are.
                KeyServerLog.KeyFileRefused(_logger, file, "its certificate or public key could not be parsed (" + e.GetType().Name + ")");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                KeyServerLog.KeyFileUnreadable(_logger, file, e);
            }
        }

        return keys;
    }
}
