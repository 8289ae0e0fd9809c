using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.KeyServer.Cluster.Placement;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// A re-sync from a snapshot read a page at a time (<see cref="ManagedKeyApplier.BeginSnapshot"/>):
/// the managed key set and the placements are built aside from each page as it arrives, while the
/// set in force keeps serving, then swapped in whole (<see cref="ManagedKeyApplier.ApplySnapshot(ManagedKeyResync)"/>).
/// Pages may be read at later revisions than the first; the set is declared at the first page's
/// revision and the change feed after it brings every record changed meanwhile up to date.
/// </summary>
internal sealed class ManagedKeyResync
{
    internal ManagedKeyResync(ManagedKeySetBuild keys, KeyPlacements placements, long revision)
    {
        Keys = keys;
        Placements = placements;
        Revision = revision;
        LastRevision = revision;
    }

    /// <summary>The first page's revision, which the set is declared at.</summary>
    public long Revision { get; }

    /// <summary>The revision of the last page read.</summary>
    public long LastRevision { get; private set; }

    /// <summary>Pages read.</summary>
    public int Pages { get; private set; }

    internal ManagedKeySetBuild Keys { get; }

    internal KeyPlacements Placements { get; }

    /// <summary>
    /// Decides the keys of <paramref name="page"/> (the first page too) and places them;
    /// <paramref name="prepared"/>: their facts computed ahead (<see cref="ManagedKeyPrepared.Of"/>), if they were.
    /// </summary>
    public void Add(SnapshotPage page, ManagedKeyPrepared[]? prepared = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (prepared is not null && prepared.Length != page.Keys.Length)
        {
            throw new ArgumentException($"{prepared.Length} prepared facts for a page of {page.Keys.Length} keys", nameof(prepared));
        }

        var from = Keys.Count;
        Keys.Add(page.Keys, prepared);
        foreach (var key in Keys.Since(from))
        {
            // The entry's policy id is shared by the policy's keys; the page's is one string per record.
            Placements.SetKey(key.KeyId, ManagedKeySet.FactsOf(key).Record.PolicyId);
        }

        LastRevision = Math.Max(LastRevision, page.Revision);
        Pages++;
    }
}
