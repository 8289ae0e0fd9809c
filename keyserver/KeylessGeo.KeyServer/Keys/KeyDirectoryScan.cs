namespace KeylessGeo.KeyServer.Keys;

/// <summary>The result of one read of every key folder (see <see cref="KeyDirectoryScanner.Scan"/>).</summary>
internal sealed record KeyDirectoryScan
{
    /// <summary>The keys to serve, one per key id, in folder order (earlier folders win).</summary>
    public required IReadOnlyList<IndexedKey> Keys { get; init; }

    /// <summary>Key files refused this time, by path (each also logged with its reason).</summary>
    public required IReadOnlyList<string> RefusedFiles { get; init; }

    /// <summary>Folders that could not be listed; the keys of their last good read are in <see cref="Keys"/>.</summary>
    public required IReadOnlyList<string> UnreadableDirectories { get; init; }

    /// <summary>Whether no folder could be listed at all.</summary>
    public required bool NothingRead { get; init; }
}
