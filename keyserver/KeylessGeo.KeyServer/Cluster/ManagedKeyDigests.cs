using System.Security.Cryptography;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The hashing of the managed key build loop (the SKI check of a public key read by its prefix,
/// <see cref="ManagedKeyEntries.Inspect(KeylessGeo.ControlPlane.Store.Model.ManagedKeyRecord, ManagedKeyDigests?)"/>)
/// with a hash object kept for the builder's life: a one-shot hash sets up and frees a fresh
/// OpenSSL context per call, which at a million keys costs more than the hashing. The digests that
/// stand for the fields the index drops are not computed here: the store wrote them with the record.
/// Not thread-safe: one per builder, used by one caller at a time, as the builder is.
/// </summary>
internal sealed class ManagedKeyDigests : IDisposable
{
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    /// <summary>True when <paramref name="ski"/> is the SKI (SHA-1) of <paramref name="subjectPublicKey"/>, the public key bit string's contents.</summary>
    public bool IsSkiOf(ReadOnlySpan<byte> subjectPublicKey, ReadOnlySpan<byte> ski)
    {
        _sha1.AppendData(subjectPublicKey);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        _sha1.GetHashAndReset(hash);
        return hash.SequenceEqual(ski);
    }

    public void Dispose() => _sha1.Dispose();
}
