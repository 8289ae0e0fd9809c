using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// The hashing of the managed key build loop (the short digests that stand in for the fields the
/// index drops, and the SKI check of a public key) with hash objects kept for the builder's life:
/// a one-shot hash sets up and frees a fresh OpenSSL context per call, which at a million keys
/// costs more than the hashing. Same results as <see cref="ManagedKeyEntries.Digest(ReadOnlySpan{byte})"/>
/// and SHA-1. Not thread-safe: one per builder, used by one caller at a time, as the builder is.
/// </summary>
internal sealed class ManagedKeyDigests : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    /// <summary>The first 8 bytes of the SHA-256 of <paramref name="bytes"/> (see <see cref="ManagedKeyEntries.Digest(ReadOnlySpan{byte})"/>).</summary>
    public long Digest(ReadOnlySpan<byte> bytes)
    {
        _sha256.AppendData(bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        _sha256.GetHashAndReset(hash);
        return BitConverter.ToInt64(hash);
    }

    /// <summary>The digest of a certificate PEM's UTF-8 bytes (0 without one), as <see cref="ManagedKeyEntries.Digest(string?)"/>.</summary>
    public long Digest(string? certificatePem)
    {
        if (string.IsNullOrEmpty(certificatePem))
        {
            return 0;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(certificatePem.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(certificatePem, buffer);
            return Digest(buffer.AsSpan(0, length));
        }
        finally
        {
            // Public certificate text, not a secret: returned without clearing.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>True when <paramref name="ski"/> is the SKI (SHA-1) of <paramref name="subjectPublicKey"/>, the public key bit string's contents.</summary>
    public bool IsSkiOf(ReadOnlySpan<byte> subjectPublicKey, ReadOnlySpan<byte> ski)
    {
        _sha1.AppendData(subjectPublicKey);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        _sha1.GetHashAndReset(hash);
        return hash.SequenceEqual(ski);
    }

    public void Dispose()
    {
        _sha256.Dispose();
        _sha1.Dispose();
    }
}
