namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// The lookup indexes of the managed keys in force (by key id, SKI, certificate digest, host
/// name, wildcard parent and certificate IP address), changed one key at a time: adding, replacing
/// or removing a key costs in proportion to its identifiers, not to the number of keys. Readers
/// take no lock and allocate nothing; a lookup during a change sees each identifier either before
/// or after it. The key store is the only writer, under its lock. Lookups answer what an index
/// built at once over the same keys in key id order would (<see cref="KeyClaims{TKey, TAlternate}"/>).
/// </summary>
internal sealed class ManagedKeyIndex
{
    private readonly KeyClaims<string, ReadOnlySpan<char>> _byId;
    private readonly KeyClaims<byte[], ReadOnlySpan<byte>> _bySki;
    private readonly KeyClaims<byte[], ReadOnlySpan<byte>> _byDigest;
    private readonly KeyClaims<byte[], ReadOnlySpan<byte>> _byIp;
    private readonly KeyClaims<string, ReadOnlySpan<char>> _byHostName;
    private readonly KeyClaims<string, ReadOnlySpan<char>> _byWildcardParent;

    /// <summary>An empty index, changed a key at a time from the start.</summary>
    public ManagedKeyIndex()
        : this(0, building: false)
    {
    }

    private ManagedKeyIndex(int expectedKeys, bool building)
    {
        // Room for about expectedKeys in the indexes every key has an identifier in (id, SKI, host name).
        _byId = new(StringComparer.Ordinal, expectedKeys, building);
        _bySki = new(ByteArrayComparer.Instance, expectedKeys, building);
        _byDigest = new(ByteArrayComparer.Instance, 0, building);
        _byIp = new(ByteArrayComparer.Instance, 0, building);
        _byHostName = new(StringComparer.OrdinalIgnoreCase, expectedKeys, building);
        _byWildcardParent = new(StringComparer.OrdinalIgnoreCase, 0, building);
    }

    /// <summary>
    /// An index for a whole set of about <paramref name="expectedKeys"/> keys indexed at once
    /// (<see cref="Set"/> each, then <see cref="Seal"/> before any reader sees it): the build fills
    /// plain dictionaries, read only from then on, with no object per identifier.
    /// </summary>
    public static ManagedKeyIndex ForWholeSet(int expectedKeys) => new(expectedKeys, building: true);

    /// <summary>Ends the build of <see cref="ForWholeSet"/>: later changes go where readers see them one at a time.</summary>
    public void Seal()
    {
        _byId.Seal();
        _bySki.Seal();
        _byDigest.Seal();
        _byIp.Seal();
        _byHostName.Seal();
        _byWildcardParent.Seal();
    }

    /// <summary>How many keys are indexed.</summary>
    public int Count => _byId.Count;

    public bool TryGetById(string keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _byId.TryGetValue(keyId, out key);

    public bool TryGetById(ReadOnlySpan<char> keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _byId.TryGetValue(keyId, out key);

    public bool TryGetBySki(ReadOnlySpan<byte> ski, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _bySki.TryGetValue(ski, out key);

    public bool TryGetByDigest(ReadOnlySpan<byte> digest, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _byDigest.TryGetValue(digest, out key);

    public bool TryGetByIp(ReadOnlySpan<byte> ip, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _byIp.TryGetValue(ip, out key);

    public bool TryGetByHostName(ReadOnlySpan<char> name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) => _byHostName.TryGetValue(name, out key);

    public bool TryGetByWildcardParent(ReadOnlySpan<char> parent, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IndexedKey? key) =>
        _byWildcardParent.TryGetValue(parent, out key);

    /// <summary>
    /// Indexes <paramref name="key"/>, or replaces the entry with its key id (<paramref name="previous"/>):
    /// the new entry's identifiers are claimed first, then those only the previous one had are
    /// released, so no identifier the two share is ever missing.
    /// </summary>
    public void Set(IndexedKey key, IndexedKey? previous)
    {
        ArgumentNullException.ThrowIfNull(key);
        _byId.Claim(key.KeyId, key);
        _bySki.Claim(key.Ski, key);
        if (key.CertDigest is not null)
        {
            _byDigest.Claim(key.CertDigest, key);
        }

        foreach (var ip in key.IpAddresses)
        {
            _byIp.Claim(ip, key);
        }

        foreach (var name in key.HostNames)
        {
            NamesOf(name, out var bare).Claim(bare, key);
        }

        if (previous is not null)
        {
            ReleaseStale(previous, key);
        }
    }

    /// <summary>Removes <paramref name="key"/> (the entry indexed under its key id) from every index.</summary>
    public void Remove(IndexedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _byId.Release(key.KeyId, key.KeyId);
        _bySki.Release(key.Ski, key.KeyId);
        if (key.CertDigest is not null)
        {
            _byDigest.Release(key.CertDigest, key.KeyId);
        }

        foreach (var ip in key.IpAddresses)
        {
            _byIp.Release(ip, key.KeyId);
        }

        foreach (var name in key.HostNames)
        {
            NamesOf(name, out var bare).Release(bare, key.KeyId);
        }
    }

    // Releases what the previous version claimed and the new one does not.
    private void ReleaseStale(IndexedKey previous, IndexedKey current)
    {
        if (!ByteArrayComparer.Instance.Equals(previous.Ski, current.Ski))
        {
            _bySki.Release(previous.Ski, previous.KeyId);
        }

        if (previous.CertDigest is not null && (current.CertDigest is null || !ByteArrayComparer.Instance.Equals(previous.CertDigest, current.CertDigest)))
        {
            _byDigest.Release(previous.CertDigest, previous.KeyId);
        }

        foreach (var ip in previous.IpAddresses)
        {
            if (!current.IpAddresses.Contains(ip, ByteArrayComparer.Instance))
            {
                _byIp.Release(ip, previous.KeyId);
            }
        }

        foreach (var name in previous.HostNames)
        {
            if (!current.HostNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                NamesOf(name, out var bare).Release(bare, previous.KeyId);
            }
        }
    }

    // "*.example.com" is indexed as the wildcard parent "example.com"; other names as they are.
    private KeyClaims<string, ReadOnlySpan<char>> NamesOf(string name, out string bare)
    {
        if (name.StartsWith("*.", StringComparison.Ordinal))
        {
            bare = name[2..];
            return _byWildcardParent;
        }

        bare = name;
        return _byHostName;
    }
}
