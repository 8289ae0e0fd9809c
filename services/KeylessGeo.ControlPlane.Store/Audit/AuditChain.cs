using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KeylessGeo.ControlPlane.Store.Audit;

/// <summary>
/// The audit log's hash chain: each entry's hash is SHA-256 over a canonical, length-prefixed
/// encoding of its fields and the previous entry's hash. Every store computes entries with
/// <see cref="Seal"/>; <see cref="Verify"/> recomputes the chain and names the first bad entry.
/// </summary>
public static class AuditChain
{
    /// <summary>The hash length in bytes.</summary>
    public const int HashLength = 32;

    private const string Domain = "keylessgeo audit v1";

    /// <summary>The previous-hash value of the first entry.</summary>
    public static byte[] GenesisHash => new byte[HashLength];

    /// <summary>Makes the entry that follows <paramref name="previous"/> (null for the first).</summary>
    public static AuditEntry Seal(AuditDraft draft, AuditEntry? previous, long revision, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var entry = new AuditEntry
        {
            Sequence = (previous?.Sequence ?? 0) + 1,
            Revision = revision,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.ToUnixTimeMilliseconds()),
            Actor = draft.Actor,
            Action = draft.Action,
            Subject = draft.Subject,
            Details = draft.Details,
            PreviousHash = previous?.Hash ?? GenesisHash,
            Hash = [],
        };
        return entry with { Hash = ComputeHash(entry) };
    }

    /// <summary>SHA-256 over the canonical encoding of every field but <see cref="AuditEntry.Hash"/>.</summary>
    public static byte[] ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendText(hash, Domain);
        AppendInt64(hash, entry.Sequence);
        AppendInt64(hash, entry.Revision);
        AppendInt64(hash, entry.Timestamp.ToUnixTimeMilliseconds());
        AppendText(hash, entry.Actor);
        AppendText(hash, entry.Action);
        AppendText(hash, entry.Subject);
        AppendText(hash, entry.Details);
        AppendBytes(hash, entry.PreviousHash);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Verifies entries read in order from the start of the log (or from any entry, given the
    /// entry before it as <paramref name="before"/>).
    /// </summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditEntry? before = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var previous = before;
        long count = 0;
        foreach (var entry in entries)
        {
            var expectedSequence = (previous?.Sequence ?? 0) + 1;
            if (entry.Sequence != expectedSequence)
            {
                return AuditVerification.Broken(count, entry.Sequence, $"expected sequence {expectedSequence}, found {entry.Sequence} (an entry is missing or was reordered)");
            }

            var expectedPrevious = previous?.Hash ?? GenesisHash;
            if (!CryptographicOperations.FixedTimeEquals(entry.PreviousHash, expectedPrevious))
            {
                return AuditVerification.Broken(count, entry.Sequence, "its previous-hash does not match the hash of the entry before it");
            }

            if (!CryptographicOperations.FixedTimeEquals(entry.Hash, ComputeHash(entry)))
            {
                return AuditVerification.Broken(count, entry.Sequence, "its content does not match its hash (the entry was edited)");
            }

            previous = entry;
            count++;
        }

        return AuditVerification.Intact(count, previous);
    }

    private static void AppendText(IncrementalHash hash, string value) => AppendBytes(hash, Encoding.UTF8.GetBytes(value));

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        hash.AppendData(buffer);
    }

    private static void AppendBytes(IncrementalHash hash, ReadOnlySpan<byte> value)
    {
        AppendInt64(hash, value.Length);
        hash.AppendData(value);
    }
}
