using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>What a delta changed in the managed key set: the new entries (added, or replacing the entry with their key id) and the ids removed.</summary>
/// <param name="Upserts">New entries, in key id order.</param>
/// <param name="Removed">Key ids no longer managed, in key id order.</param>
internal sealed record ManagedKeyDelta(IReadOnlyList<IndexedKey> Upserts, IReadOnlyList<string> Removed)
{
    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Upserts.Count == 0 && Removed.Count == 0;
}
