using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.ControlPlane.Store.Model;

/// <summary>
/// The content digest of a managed key record (<see cref="ManagedKeyRecord.ContentDigest"/>) and the
/// record forms built on it. The digest is SHA-256 over the bulky fields, each length-prefixed
/// after a version tag, so no two different contents share an encoding; one definition, used by
/// every store when it writes a record and by a keyserver when it checks a fetched record against
/// its index.
/// </summary>
public static class ManagedKeyContent
{
    /// <summary>The length of a content digest in bytes.</summary>
    public const int DigestLength = SHA256.HashSizeInBytes;

    // Names what is hashed and how: a different encoding gets a different tag.
    private static ReadOnlySpan<byte> Tag => "keylessgeo/managed-key-content/v1\0"u8;

    /// <summary>The content digest of <paramref name="record"/>'s bulky fields, computed (whatever <see cref="ManagedKeyRecord.ContentDigest"/> says).</summary>
    public static byte[] Digest(ManagedKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Digest(record.WrappedPrivateKey, record.SubjectPublicKeyInfo, record.CertificatePem);
    }

    /// <summary>The content digest of the given field values.</summary>
    public static byte[] Digest(ReadOnlySpan<byte> wrappedPrivateKey, ReadOnlySpan<byte> subjectPublicKeyInfo, string? certificatePem)
    {
        var pemLength = certificatePem is null ? 0 : Encoding.UTF8.GetByteCount(certificatePem);
        var length = Tag.Length + 4 + wrappedPrivateKey.Length + 4 + subjectPublicKeyInfo.Length + 1 + 4 + pemLength;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan(0, length);
            Tag.CopyTo(span);
            var at = Tag.Length;
            at = Put(span, at, wrappedPrivateKey);
            at = Put(span, at, subjectPublicKeyInfo);

            // A missing certificate and an empty one are different contents.
            span[at++] = certificatePem is null ? (byte)0 : (byte)1;
            BinaryPrimitives.WriteInt32BigEndian(span[at..], pemLength);
            at += 4;
            if (certificatePem is not null)
            {
                Encoding.UTF8.GetBytes(certificatePem, span[at..]);
            }

            return SHA256.HashData(span);
        }
        finally
        {
            // Ciphertext and public data only, but cleared all the same: the pool is shared.
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><paramref name="record"/> with its content digest computed, as a store writes it.</summary>
    public static ManagedKeyRecord Sealed(ManagedKeyRecord record) => record with { ContentDigest = Digest(record) };

    /// <summary>
    /// <paramref name="changes"/> with the content digest of every upserted key computed (what the
    /// writer set is replaced): what a store commits. The same instance when it upserts no key.
    /// </summary>
    public static ChangeSet Sealed(ChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UpsertKeys.IsDefaultOrEmpty)
        {
            return changes;
        }

        var keys = new ManagedKeyRecord[changes.UpsertKeys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Sealed(changes.UpsertKeys[i]);
        }

        return changes with { UpsertKeys = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(keys) };
    }

    /// <summary>
    /// <paramref name="record"/> as read from a store: unchanged when it has a content digest, else
    /// (stored before the field existed) with the digest computed from its fields, which it must hold.
    /// </summary>
    public static ManagedKeyRecord WithDigest(ManagedKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.ContentDigest is { Length: DigestLength } ? record : Sealed(record);
    }

    /// <summary>
    /// <paramref name="records"/> with <see cref="WithDigest"/> applied to each: the same array when
    /// every record has its digest (the usual case: only records stored before the field existed lack it).
    /// </summary>
    internal static System.Collections.Immutable.ImmutableArray<ManagedKeyRecord> WithDigests(System.Collections.Immutable.ImmutableArray<ManagedKeyRecord> records)
    {
        if (records.IsDefaultOrEmpty || records.All(static r => r.ContentDigest is { Length: DigestLength }))
        {
            return records;
        }

        return [.. records.Select(WithDigest)];
    }

    /// <summary>
    /// <paramref name="record"/> as a key index page carries it (<see cref="IControlPlaneStore.ReadKeyIndexPageAsync"/>):
    /// its content digest (computed first if missing, from the full record) standing in for the
    /// wrapped private key (left empty) and the certificate PEM (left out, unless the record has no
    /// recorded IP addresses: a reader then needs the certificate to learn them). The public key stays.
    /// </summary>
    public static ManagedKeyRecord IndexForm(ManagedKeyRecord record)
    {
        var sealedRecord = WithDigest(record);
        return sealedRecord with
        {
            WrappedPrivateKey = [],
            CertificatePem = sealedRecord.IpAddresses is null ? sealedRecord.CertificatePem : null,
        };
    }

    private static int Put(Span<byte> span, int at, ReadOnlySpan<byte> field)
    {
        BinaryPrimitives.WriteInt32BigEndian(span[at..], field.Length);
        field.CopyTo(span[(at + 4)..]);
        return at + 4 + field.Length;
    }
}
