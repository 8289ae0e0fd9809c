using System.Collections.Concurrent;
using System.Diagnostics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The wrapped private keys of managed keys, fetched from the control-plane store when a key is
/// first needed here (the key index holds public facts only), and kept in a cache bounded by count
/// and bytes (<see cref="ClusterOptions.WrappedKeyCacheCount"/>, <see cref="ClusterOptions.WrappedKeyCacheBytes"/>;
/// least recently used first out) so a key used again soon is not fetched again. Concurrent first
/// uses of one key share one fetch. A fetched record must be the version the index decided (same
/// version, policy key generation and content digest, computed from the fetched bytes); anything else is the next version, which the
/// feed applies shortly. The feed drops a key's blob when the key changes or leaves
/// (<see cref="Invalidate"/>). Holds ciphertext only: nothing here can open a key.
/// </summary>
internal sealed class ManagedKeyBlobs
{
    private readonly IControlPlaneStore _store;
    private readonly ILogger<ManagedKeyBlobs> _logger;
    private readonly int _maxCount;
    private readonly long _maxBytes;
    private readonly ConcurrentDictionary<string, Task<FetchedKey?>> _fetching = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<FetchedKey>> _cached = new(StringComparer.Ordinal);
    private readonly LinkedList<FetchedKey> _recency = new();
    private long _bytes;
    private long _fetches;

    public ManagedKeyBlobs(IControlPlaneStore store, IOptions<ClusterOptions> options, ILogger<ManagedKeyBlobs> logger)
    {
        _store = store;
        _logger = logger;
        _maxCount = options.Value.WrappedKeyCacheCount;
        _maxBytes = options.Value.WrappedKeyCacheBytes;
    }

    /// <summary>Wrapped keys in the cache now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _cached.Count;
            }
        }
    }

    /// <summary>Bytes of wrapped keys in the cache now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Reads of the store since start (for tests and the benchmark).</summary>
    public long Fetches => Interlocked.Read(ref _fetches);

    /// <summary>The cached wrapped key of <paramref name="facts"/>' version, if the cache holds it.</summary>
    public FetchedKey? TryGetCached(ManagedKeyFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        lock (_lock)
        {
            if (!_cached.TryGetValue(facts.Record.KeyId, out var node))
            {
                return null;
            }

            if (!node.Value.Matches(facts))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value;
        }
    }

    /// <summary>
    /// The wrapped key of <paramref name="facts"/>' version: from the cache, or fetched from the
    /// store (one fetch for concurrent callers). Throws <see cref="ManagedKeyFetchException"/> with
    /// the code the request is answered with. <paramref name="cancellationToken"/> stops this
    /// caller's wait only; the shared fetch goes on for the others.
    /// </summary>
    public ValueTask<FetchedKey> GetAsync(ManagedKeyFacts facts, CancellationToken cancellationToken)
    {
        if (TryGetCached(facts) is { } blob)
        {
            return ValueTask.FromResult(blob);
        }

        return WaitAsync(facts, cancellationToken);
    }

    /// <summary>Drops the cached wrapped key of <paramref name="keyId"/> (the key changed or left).</summary>
    public void Invalidate(string keyId)
    {
        lock (_lock)
        {
            if (_cached.Remove(keyId, out var node))
            {
                _recency.Remove(node);
                _bytes -= node.Value.Size;
            }
        }
    }

    /// <summary>Drops every cached wrapped key that <paramref name="set"/> (swapped in whole) does not hold at the same version.</summary>
    public void RemoveStale(ManagedKeySet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        lock (_lock)
        {
            for (var node = _recency.First; node is not null;)
            {
                var next = node.Next;
                if (!set.TryGet(node.Value.KeyId, out var key) || !node.Value.Matches(ManagedKeySet.FactsOf(key)))
                {
                    _recency.Remove(node);
                    _cached.Remove(node.Value.KeyId);
                    _bytes -= node.Value.Size;
                }

                node = next;
            }
        }
    }

    private async ValueTask<FetchedKey> WaitAsync(ManagedKeyFacts facts, CancellationToken cancellationToken)
    {
        var record = facts.Record;
        var fetched = await Fetch(record.KeyId).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (fetched is null)
        {
            throw new ManagedKeyFetchException(ErrorCode.KeyNotFound, $"key '{record.KeyId}' was removed from the control plane");
        }

        if (!fetched.Matches(facts))
        {
            throw new ManagedKeyFetchException(
                ErrorCode.Unavailable,
                $"key '{record.KeyId}' changed in the control plane (version {fetched.Version} there, {record.Version} here) and this keyserver has not applied the change yet; try again");
        }

        return fetched;
    }

    // One fetch per key id at a time: the first caller starts it, later ones wait for the same task.
    private Task<FetchedKey?> Fetch(string keyId)
    {
        while (true)
        {
            if (_fetching.TryGetValue(keyId, out var running))
            {
                return running;
            }

            var fetch = new TaskCompletionSource<FetchedKey?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_fetching.TryAdd(keyId, fetch.Task))
            {
                _ = RunFetchAsync(keyId, fetch);
                return fetch.Task;
            }
        }
    }

    private async Task RunFetchAsync(string keyId, TaskCompletionSource<FetchedKey?> fetch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            Interlocked.Increment(ref _fetches);
            var records = await _store.ReadRecordsAsync([new RecordId(ChangeKind.Key, keyId)], CancellationToken.None).ConfigureAwait(false);
            var record = records.Keys.IsDefaultOrEmpty ? null : records.Keys[0];
            FetchedKey? cached = null;
            if (record is not null)
            {
                // The digest is computed from the bytes fetched, not read from the record: what is
                // opened is what the index decided, whatever the stored digest says.
                cached = new FetchedKey(
                    record.KeyId, record.Version, record.PolicyKeyGeneration, ManagedKeyEntries.ShortDigest(ManagedKeyContent.Digest(record)),
                    record.WrappedPrivateKey, record.SubjectPublicKeyInfo);
                Add(cached);
                ClusterLog.ManagedKeyFetched(_logger, keyId, record.Version, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            _fetching.TryRemove(KeyValuePair.Create(keyId, fetch.Task));
            fetch.SetResult(cached);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var unavailable = e is StoreUnavailableException;
            var message = unavailable
                ? $"the control-plane store cannot be reached to open key '{keyId}'; try again"
                : $"key '{keyId}' could not be read from the control-plane store; the keyserver log names the cause";
            var code = unavailable ? ErrorCode.Unavailable : ErrorCode.Internal;
            ClusterLog.ManagedKeyFetchFailed(_logger, keyId, _store.Kind, code.ToString(), e.Message, unavailable ? null : e);
            _fetching.TryRemove(KeyValuePair.Create(keyId, fetch.Task));
            fetch.SetException(new ManagedKeyFetchException(code, message, e));
        }
    }

    private void Add(FetchedKey cached)
    {
        if (cached.Size > _maxBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_cached.Remove(cached.KeyId, out var old))
            {
                _recency.Remove(old);
                _bytes -= old.Value.Size;
            }

            _cached[cached.KeyId] = _recency.AddFirst(cached);
            _bytes += cached.Size;
            while (_cached.Count > _maxCount || _bytes > _maxBytes)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _cached.Remove(oldest.Value.KeyId);
                _bytes -= oldest.Value.Size;
            }
        }
    }
}
