using System.Collections.Immutable;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Integrity;

namespace KeylessGeo.ControlPlane.Store.InMemory;

/// <summary>
/// The in-memory store's audit checks, with the other stores' semantics: before each commit the
/// newest entry must be the one this store sealed last; a check verifies the whole chain (it is in
/// memory, so that costs no I/O). The first problem is latched and refuses every later commit.
/// Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class InMemoryIntegrity(TimeProvider time)
{
    /// <summary>Where the in-memory store's findings say the damage is.</summary>
    public const string Location = "in-memory audit log";

    private AuditEntry? _sealed;
    private ImmutableArray<StoreIntegrityProblem> _problems = [];

    /// <summary>Throws <see cref="StoreIntegrityException"/> unless the newest entry is the one sealed last.</summary>
    public void VerifyHead(List<AuditEntry> audit)
    {
        if (_problems.IsEmpty)
        {
            Latch(CompareHead(audit));
        }

        if (!_problems.IsEmpty)
        {
            throw new StoreIntegrityException(_problems);
        }
    }

    /// <summary>Verifies every entry and the head.</summary>
    public StoreIntegrityReport Check(List<AuditEntry> audit)
    {
        if (_problems.IsEmpty)
        {
            var verification = AuditChain.Verify(audit);
            Latch(verification.IsIntact ? CompareHead(audit) : Problem(
                StoreIntegrityCodes.AuditChainBroken, verification.BrokenAtSequence,
                $"the audit chain in the {Location} is broken at entry {verification.BrokenAtSequence}: {verification.Reason}",
                $"entry {verification.BrokenAtSequence} chained to entry {verification.VerifiedCount}", verification.Reason!));
        }

        var count = _sealed?.Sequence ?? 0;
        return _problems.IsEmpty ? StoreIntegrityReport.Intact(count) : StoreIntegrityReport.Damaged(_problems, count);
    }

    /// <summary>Records the entry a commit sealed.</summary>
    public void Sealed(AuditEntry entry) => _sealed = entry;

    private StoreIntegrityProblem? CompareHead(List<AuditEntry> audit)
    {
        var expected = _sealed?.Sequence ?? 0;
        if (audit.Count != expected)
        {
            return Problem(StoreIntegrityCodes.AuditLogChanged, Math.Min(audit.Count, expected) + 1,
                $"the {Location} holds {audit.Count} entries, but {expected} were committed: entries were removed or added behind the store",
                $"{expected} entries", $"{audit.Count} entries");
        }

        if (_sealed is null)
        {
            return null;
        }

        var head = audit[^1];
        if (!CryptographicOperations.FixedTimeEquals(head.Hash, AuditChain.ComputeHash(head)))
        {
            return Problem(StoreIntegrityCodes.AuditChainBroken, head.Sequence,
                $"the audit chain in the {Location} is broken at entry {head.Sequence}: its content does not match its hash (the entry was edited)",
                $"content hashing to {AuditLinks.Hex(head.Hash)} (the stored hash)", $"content hashing to {AuditLinks.Hex(AuditChain.ComputeHash(head))}");
        }

        return CryptographicOperations.FixedTimeEquals(head.Hash, _sealed.Hash)
            ? null
            : Problem(StoreIntegrityCodes.AuditLogChanged, head.Sequence,
                $"entry {head.Sequence} of the {Location} is not the entry this store committed: the chain was rewritten and re-hashed",
                $"hash {AuditLinks.Hex(_sealed.Hash)}", $"hash {AuditLinks.Hex(head.Hash)}");
    }

    private StoreIntegrityProblem Problem(string code, long? sequence, string message, string expected, string found) => new()
    {
        Code = code,
        Message = message,
        Location = Location,
        Sequence = sequence,
        Expected = expected,
        Found = found,
        DetectedAt = time.GetUtcNow(),
    };

    private void Latch(StoreIntegrityProblem? problem)
    {
        if (problem is not null)
        {
            _problems = _problems.Add(problem);
        }
    }
}
