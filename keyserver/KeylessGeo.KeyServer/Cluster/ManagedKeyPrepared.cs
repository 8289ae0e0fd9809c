using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// What deciding a managed key computes from its record alone, whatever the policies say: the
/// digests that stand in for the fields the index drops and what its public key says
/// (<see cref="ManagedKeyEntries.Inspect(ManagedKeyRecord, ManagedKeyDigests?)"/>). A re-sync
/// computes these for the next page on another thread while the current page is decided and
/// indexed (<see cref="ManagedKeySnapshotReader"/>), so the hashing is off the indexing thread.
/// </summary>
/// <param name="WrappedKeyDigest">The digest of the wrapped private key.</param>
/// <param name="CertificateDigest">The digest of the certificate PEM (0 without one).</param>
/// <param name="PublicKeyDigest">The digest of the SubjectPublicKeyInfo.</param>
/// <param name="Shape">What the public key says, and why it cannot be served, if so.</param>
internal readonly record struct ManagedKeyPrepared(long WrappedKeyDigest, long CertificateDigest, long PublicKeyDigest, ManagedKeyShape Shape)
{
    /// <summary>The facts of each of <paramref name="records"/>, in order. Thread-safe: hash contexts of its own.</summary>
    public static ManagedKeyPrepared[] Of(ImmutableArray<ManagedKeyRecord> records)
    {
        using var digests = new ManagedKeyDigests();
        var prepared = new ManagedKeyPrepared[records.Length];
        for (var i = 0; i < prepared.Length; i++)
        {
            var record = records[i];
            prepared[i] = new ManagedKeyPrepared(
                digests.Digest(record.WrappedPrivateKey), digests.Digest(record.CertificatePem), digests.Digest(record.SubjectPublicKeyInfo),
                ManagedKeyEntries.Inspect(record, digests));
        }

        return prepared;
    }
}
