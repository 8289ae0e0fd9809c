namespace KeylessGeo.KeyServer.Keys;

/// <summary>What one re-read of the key directory changed (see <see cref="KeyStore.ReloadDirectory"/>).</summary>
internal sealed record KeyDirectoryReload
{
    /// <summary>No key folder could be listed; the keys of the last good read stay in force.</summary>
    public bool DirectoryUnreadable { get; init; }

    /// <summary>Key files served after this read.</summary>
    public int Served { get; init; }

    /// <summary>Key ids served now that were not before.</summary>
    public int Added { get; init; }

    /// <summary>Key ids served before that are not now (deleted or refused this time).</summary>
    public int Removed { get; init; }

    /// <summary>Key ids served before and now with a different public key.</summary>
    public int Changed { get; init; }

    /// <summary>Key files that are not served, by path (each also logged with its reason).</summary>
    public IReadOnlyList<string> RefusedFiles { get; init; } = [];

    /// <summary>Key folders that could not be listed this time; each keeps the keys of its last good read.</summary>
    public IReadOnlyList<string> UnreadableDirectories { get; init; } = [];
}
