using System.Collections.Frozen;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// The served keys: an immutable snapshot of the key directory's keys with one frozen dictionary
/// per identifier, layered over the managed keys' <see cref="ManagedKeyIndex"/>, which the
/// control-plane feed changes a key at a time. For each identifier the directory is asked first,
/// so a key file wins over a managed key claiming the same one. Lookups take no lock and allocate
/// nothing; a directory reload (or a whole new managed key set) builds a new index.
/// </summary>
internal sealed class KeyIndex
{
    private readonly FrozenDictionary<string, IndexedKey> _byId;
    private readonly FrozenDictionary<byte[], IndexedKey>.AlternateLookup<ReadOnlySpan<byte>> _bySki;
    private readonly FrozenDictionary<byte[], IndexedKey>.AlternateLookup<ReadOnlySpan<byte>> _byDigest;
    private readonly FrozenDictionary<byte[], IndexedKey>.AlternateLookup<ReadOnlySpan<byte>> _byIp;
    private readonly FrozenDictionary<string, IndexedKey>.AlternateLookup<ReadOnlySpan<char>> _byHostName;
    private readonly FrozenDictionary<string, IndexedKey>.AlternateLookup<ReadOnlySpan<char>> _byWildcardParent;
    private readonly KeyLookupResult _miss;
    private readonly ManagedKeyIndex? _managed;

    /// <summary>Indexes <paramref name="keys"/>; when two keys claim one identifier, the first wins.</summary>
    public KeyIndex(IReadOnlyList<IndexedKey> keys)
        : this(keys, KeyLookupResult.NotFound, null)
    {
    }

    /// <summary>
    /// Indexes <paramref name="keys"/> (the first wins when two claim one identifier); a lookup
    /// that matches no key answers <paramref name="miss"/>: <c>KEY_NOT_FOUND</c> when the index is
    /// complete, a transient error while part of it (the managed keys) could not be read yet.
    /// Identifiers <paramref name="keys"/> do not claim are looked up in <paramref name="managed"/>,
    /// which must not hold a key id of <paramref name="keys"/> (the key store leaves shadowed
    /// managed keys out of it).
    /// </summary>
    public KeyIndex(IReadOnlyList<IndexedKey> keys, KeyLookupResult miss, ManagedKeyIndex? managed)
    {
        Keys = keys;
        _miss = miss;
        _managed = managed;
        var byId = new Dictionary<string, IndexedKey>(StringComparer.Ordinal);
        var bySki = new Dictionary<byte[], IndexedKey>(ByteArrayComparer.Instance);
        var byDigest = new Dictionary<byte[], IndexedKey>(ByteArrayComparer.Instance);
        var byIp = new Dictionary<byte[], IndexedKey>(ByteArrayComparer.Instance);
        var byHostName = new Dictionary<string, IndexedKey>(StringComparer.OrdinalIgnoreCase);
        var byWildcardParent = new Dictionary<string, IndexedKey>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            byId.TryAdd(key.KeyId, key);
            bySki.TryAdd(key.Ski, key);
            if (key.CertDigest is not null)
            {
                byDigest.TryAdd(key.CertDigest, key);
            }

            foreach (var ip in key.IpAddresses)
            {
                byIp.TryAdd(ip, key);
            }

            foreach (var name in key.HostNames)
            {
                if (name.StartsWith("*.", StringComparison.Ordinal))
                {
                    byWildcardParent.TryAdd(name[2..], key);
                }
                else
                {
                    byHostName.TryAdd(name, key);
                }
            }
        }

        _byId = byId.ToFrozenDictionary(StringComparer.Ordinal);
        _bySki = bySki.ToFrozenDictionary(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();
        _byDigest = byDigest.ToFrozenDictionary(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();
        _byIp = byIp.ToFrozenDictionary(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();
        _byHostName = byHostName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _byWildcardParent = byWildcardParent.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static KeyIndex Empty { get; } = new([]);

    /// <summary>The key directory's keys (the managed keys are in the <see cref="ManagedKeyIndex"/> below).</summary>
    public IReadOnlyList<IndexedKey> Keys { get; }

    /// <summary>The managed key layer, if any.</summary>
    public ManagedKeyIndex? Managed => _managed;

    /// <summary>How many keys are served: the directory's and the managed keys not shadowed by them.</summary>
    public int Count => Keys.Count + (_managed?.Count ?? 0);

    /// <summary>The key indexed under <paramref name="keyId"/>, refused or not (the cache evicts keys not found here).</summary>
    public bool TryGetById(string keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) =>
        _byId.TryGetValue(keyId, out key) || (_managed is not null && _managed.TryGetById(keyId, out key));

    /// <summary>The same index over another managed key layer (the directory's dictionaries are shared).</summary>
    public KeyIndex WithManaged(ManagedKeyIndex? managed, KeyLookupResult miss) => new(this, managed, miss);

    /// <summary>
    /// Finds the key by key_id, then SKI, then certificate digest, then SNI, then server IP.
    /// Malformed identifiers are BAD_REQUEST, except an invalid SNI which is ignored. A key that
    /// is indexed but refused (a managed key its policy denies here) answers its refusal, never
    /// KEY_NOT_FOUND.
    /// </summary>
    public KeyLookupResult Find(KeyRef? reference)
    {
        if (reference is null ||
            (reference.KeyId.Length == 0 && reference.Ski.IsEmpty && reference.CertDigest.IsEmpty &&
             reference.Sni.Length == 0 && reference.ServerIp.IsEmpty && reference.ClientIp.IsEmpty))
        {
            return KeyLookupResult.BadRequest("key reference is empty");
        }

        var ski = reference.Ski.Span;
        var digest = reference.CertDigest.Span;
        var serverIp = reference.ServerIp.Span;
        if (!ski.IsEmpty && ski.Length != 20)
        {
            return KeyLookupResult.BadRequest($"key.ski must be 20 bytes, got {ski.Length}");
        }

        if (!digest.IsEmpty && digest.Length != 32)
        {
            return KeyLookupResult.BadRequest($"key.cert_digest must be 32 bytes, got {digest.Length}");
        }

        if (!serverIp.IsEmpty && serverIp.Length is not (4 or 16))
        {
            return KeyLookupResult.BadRequest($"key.server_ip must be 4 or 16 bytes, got {serverIp.Length}");
        }

        if (!reference.ClientIp.IsEmpty && reference.ClientIp.Length is not (4 or 16))
        {
            return KeyLookupResult.BadRequest($"key.client_ip must be 4 or 16 bytes, got {reference.ClientIp.Length}");
        }

        IndexedKey? key = null;
        if ((reference.KeyId.Length > 0 && TryGetById(reference.KeyId, out key)) ||
            (!ski.IsEmpty && (_bySki.TryGetValue(ski, out key) || (_managed is not null && _managed.TryGetBySki(ski, out key)))) ||
            (!digest.IsEmpty && (_byDigest.TryGetValue(digest, out key) || (_managed is not null && _managed.TryGetByDigest(digest, out key)))) ||
            TryFindByHostName(reference.Sni, out key) ||
            (!serverIp.IsEmpty && TryFindByIp(NormalizeIp(serverIp), out key)))
        {
            return key!.RefusalMessage is { } refusal ? KeyLookupResult.Refused(key, key.RefusalCode, refusal) : KeyLookupResult.Found(key);
        }

        return _miss;
    }

    private bool TryFindByHostName(string sni, out IndexedKey? key)
    {
        key = null;
        var name = HostNameRules.Normalize(sni);
        if (name.IsEmpty)
        {
            return false;
        }

        if (_byHostName.TryGetValue(name, out key) || (_managed is not null && _managed.TryGetByHostName(name, out key)))
        {
            return true;
        }

        // A wildcard covers exactly one label: "*.example.com" matches "a.example.com" only.
        var dot = name.IndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        var parent = name[(dot + 1)..];
        return _byWildcardParent.TryGetValue(parent, out key) || (_managed is not null && _managed.TryGetByWildcardParent(parent, out key));
    }

    private bool TryFindByIp(ReadOnlySpan<byte> ip, out IndexedKey? key) =>
        _byIp.TryGetValue(ip, out key) || (_managed is not null && _managed.TryGetByIp(ip, out key));

    private KeyIndex(KeyIndex directory, ManagedKeyIndex? managed, KeyLookupResult miss)
    {
        Keys = directory.Keys;
        _miss = miss;
        _managed = managed;
        _byId = directory._byId;
        _bySki = directory._bySki;
        _byDigest = directory._byDigest;
        _byIp = directory._byIp;
        _byHostName = directory._byHostName;
        _byWildcardParent = directory._byWildcardParent;
    }

    private static ReadOnlySpan<byte> NormalizeIp(ReadOnlySpan<byte> ip)
    {
        // ::ffff:a.b.c.d is looked up as a.b.c.d, as the index stores it.
        return ip.Length == 16 && ip[..10].IndexOfAnyExcept((byte)0) < 0 && ip[10] == 0xFF && ip[11] == 0xFF ? ip[12..] : ip;
    }
}
