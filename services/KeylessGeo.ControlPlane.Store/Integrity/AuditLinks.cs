using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.ControlPlane.Store.Integrity;

/// <summary>
/// One step of <see cref="AuditChain.Verify"/>, entry by entry, saying what was expected: how the
/// stores verify the chain incrementally (only entries added since the last verified one).
/// </summary>
internal static class AuditLinks
{
    /// <summary>Null when <paramref name="entry"/> follows <paramref name="previous"/> (null: the first entry) and its hash matches its content.</summary>
    public static AuditLinkFailure? Check(AuditEntry? previous, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var expectedSequence = (previous?.Sequence ?? 0) + 1;
        if (entry.Sequence != expectedSequence)
        {
            return new AuditLinkFailure(expectedSequence, "an entry is missing or was reordered",
                $"sequence {expectedSequence}", $"sequence {entry.Sequence}");
        }

        var expectedPrevious = previous?.Hash ?? AuditChain.GenesisHash;
        if (!CryptographicOperations.FixedTimeEquals(entry.PreviousHash, expectedPrevious))
        {
            return new AuditLinkFailure(entry.Sequence, "its previous-hash is not the hash of the entry before it",
                $"previous hash {Hex(expectedPrevious)}", $"previous hash {Hex(entry.PreviousHash)}");
        }

        var computed = AuditChain.ComputeHash(entry);
        if (!CryptographicOperations.FixedTimeEquals(entry.Hash, computed))
        {
            return new AuditLinkFailure(entry.Sequence, "its content does not match its hash (the entry was edited)",
                $"content hashing to {Hex(entry.Hash)} (the stored hash)", $"content hashing to {Hex(computed)}");
        }

        return null;
    }

    /// <summary>A hash as lowercase hex.</summary>
    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);
}
