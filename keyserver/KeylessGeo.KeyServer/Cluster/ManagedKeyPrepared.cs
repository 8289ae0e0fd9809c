using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// What deciding a managed key computes from its record alone, whatever the policies say: the
/// short content digest that stands for the fields the index drops and what its public key says
/// (<see cref="ManagedKeyEntries.Inspect(ManagedKeyRecord, ManagedKeyDigests?)"/>). A re-sync
/// computes these for the next page on another thread while the current page is decided and
/// indexed (<see cref="ManagedKeySnapshotReader"/>), so the public key checks are off the indexing thread.
/// </summary>
/// <param name="ContentDigest">The short content digest (<see cref="ManagedKeyEntries.ContentDigestOf"/>).</param>
/// <param name="Shape">What the public key says, and why it cannot be served, if so.</param>
internal readonly record struct ManagedKeyPrepared(long ContentDigest, ManagedKeyShape Shape)
{
    /// <summary>The facts of each of <paramref name="records"/>, in order. Thread-safe: hash contexts of its own.</summary>
    public static ManagedKeyPrepared[] Of(ImmutableArray<ManagedKeyRecord> records)
    {
        using var digests = new ManagedKeyDigests();
        var prepared = new ManagedKeyPrepared[records.Length];
        for (var i = 0; i < prepared.Length; i++)
        {
            var record = records[i];
            prepared[i] = new ManagedKeyPrepared(ManagedKeyEntries.ContentDigestOf(record), ManagedKeyEntries.Inspect(record, digests));
        }

        return prepared;
    }
}
