using System.Collections.Immutable;
using System.Security.Cryptography;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Integrity;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// The PostgreSQL store's view of the <c>audit_log</c> table: the last entry this process verified.
/// The whole chain is verified when the store opens; afterwards rows are verified as they are read
/// or written: a commit checks that the head it chains to is the verified entry or chains to it,
/// a check reads only rows from the verified one on, and every page read for the audit API is
/// verified against its neighbours. The first problem is latched: every later commit throws
/// <see cref="StoreIntegrityException"/> until a restart verifies the (repaired) table again.
/// </summary>
internal sealed class PostgresIntegrity
{
    /// <summary>The table every finding names.</summary>
    public const string Table = "audit_log";

    private const int PageSize = 1000;

    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private AuditEntry? _verified;
    private ImmutableArray<StoreIntegrityProblem> _problems = [];

    public PostgresIntegrity(ILogger logger) => _logger = logger;

    /// <summary>Every problem found so far.</summary>
    public ImmutableArray<StoreIntegrityProblem> Problems
    {
        get
        {
            lock (_lock)
            {
                return _problems;
            }
        }
    }

    /// <summary>The report for <see cref="IControlPlaneStore.CheckIntegrityAsync"/>.</summary>
    public StoreIntegrityReport Report()
    {
        lock (_lock)
        {
            var count = _verified?.Sequence ?? 0;
            return _problems.IsEmpty ? StoreIntegrityReport.Intact(count) : StoreIntegrityReport.Damaged(_problems, count);
        }
    }

    /// <summary>Verifies every row from the first (when the store opens).</summary>
    public async Task VerifyAllAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        AuditEntry? previous = null;
        while (true)
        {
            var page = await PostgresAudit.ReadRangeAsync(connection, null, (previous?.Sequence ?? 0) + 1, long.MaxValue, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                if (AuditLinks.Check(previous, entry) is { } failure)
                {
                    Latch(ChainBroken(failure));
                    return;
                }

                previous = entry;
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        Advance(null, previous);
    }

    /// <summary>
    /// Verifies rows from the verified entry (which must be unchanged) through
    /// <paramref name="throughSequence"/>, advancing the verified entry; inside the commit's
    /// transaction when <paramref name="transaction"/> is given. Callers serialize calls.
    /// </summary>
    public async Task CatchUpAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long throughSequence, CancellationToken cancellationToken)
    {
        if (!Problems.IsEmpty)
        {
            return;
        }

        var verified = Verified();
        var previous = verified;
        var from = verified?.Sequence ?? 1;
        var first = true;
        while (true)
        {
            var page = await PostgresAudit.ReadRangeAsync(connection, transaction, from, throughSequence, PageSize, cancellationToken).ConfigureAwait(false);
            var rest = page.AsEnumerable();
            if (first && verified is not null)
            {
                if (CompareVerified(verified, page.Count == 0 ? null : page[0]) is { } problem)
                {
                    Latch(problem);
                    return;
                }

                rest = page.Skip(1);
            }

            first = false;
            foreach (var entry in rest)
            {
                if (AuditLinks.Check(previous, entry) is { } failure)
                {
                    Latch(ChainBroken(failure));
                    return;
                }

                previous = entry;
            }

            if (page.Count < PageSize)
            {
                break;
            }

            from = page[^1].Sequence + 1;
        }

        Advance(verified, previous);
    }

    /// <summary>
    /// Before a commit, with the revision row locked: the newest row (<paramref name="head"/>) must be
    /// the verified entry or chain to it. Throws <see cref="StoreIntegrityException"/> otherwise.
    /// </summary>
    public async Task VerifyHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry? head, CancellationToken cancellationToken)
    {
        ThrowIfDamaged();
        var verified = Verified();
        var unchanged = head is null
            ? verified is null
            : verified is not null && head.Sequence == verified.Sequence && CompareVerified(verified, head) is null;
        if (!unchanged)
        {
            await CatchUpAsync(connection, transaction, head?.Sequence ?? 0, cancellationToken).ConfigureAwait(false);
            if (Problems.IsEmpty && head is not null && Verified()?.Sequence != head.Sequence)
            {
                Latch(Missing(head.Sequence, Verified()));
            }
        }

        ThrowIfDamaged();
    }

    /// <summary>Records this process's committed entry.</summary>
    public void Committed(AuditEntry entry) => Advance(null, entry);

    /// <summary>
    /// Verifies a page read for the audit API: each row against the one before it
    /// (<paramref name="before"/> is the row preceding the page, read with it), and the verified
    /// entry if the page holds it. Problems are latched; the rows are still returned to the reader.
    /// </summary>
    public void CheckPage(AuditEntry? before, long expectedBefore, IReadOnlyList<AuditEntry> rows)
    {
        if (rows.Count == 0 || !Problems.IsEmpty)
        {
            return;
        }

        if (expectedBefore > 0 && before?.Sequence != expectedBefore)
        {
            Latch(Missing(expectedBefore, before));
            return;
        }

        if (before is not null && SelfCheck(before) is { } edited)
        {
            Latch(ChainBroken(edited));
            return;
        }

        var previous = before;
        var verified = Verified();
        foreach (var entry in rows)
        {
            if (AuditLinks.Check(previous, entry) is { } failure)
            {
                Latch(ChainBroken(failure));
                return;
            }

            if (verified is not null && entry.Sequence == verified.Sequence && CompareVerified(verified, entry) is { } problem)
            {
                Latch(problem);
                return;
            }

            previous = entry;
        }
    }

    private void ThrowIfDamaged()
    {
        var problems = Problems;
        if (!problems.IsEmpty)
        {
            throw new StoreIntegrityException(problems);
        }
    }

    private AuditEntry? Verified()
    {
        lock (_lock)
        {
            return _verified;
        }
    }

    /// <summary>Moves the verified entry to <paramref name="to"/> if it is still <paramref name="from"/> (or any earlier one when null) and <paramref name="to"/> is later.</summary>
    private void Advance(AuditEntry? from, AuditEntry? to)
    {
        lock (_lock)
        {
            if (to is not null && (from is null || ReferenceEquals(_verified, from)) && to.Sequence > (_verified?.Sequence ?? 0))
            {
                _verified = to;
            }
        }
    }

    private static StoreIntegrityProblem? CompareVerified(AuditEntry verified, AuditEntry? found)
    {
        if (found is null || found.Sequence != verified.Sequence)
        {
            return Missing(verified.Sequence, found);
        }

        if (SelfCheck(found) is { } edited)
        {
            return ChainBroken(edited);
        }

        return CryptographicOperations.FixedTimeEquals(found.Hash, verified.Hash)
            ? null
            : Problem(StoreIntegrityCodes.AuditLogChanged, found.Sequence,
                $"entry {found.Sequence} of the {Table} table is not the entry this process committed or verified, though it verifies: the chain was rewritten and re-hashed",
                $"hash {AuditLinks.Hex(verified.Hash)}", $"hash {AuditLinks.Hex(found.Hash)}");
    }

    /// <summary>Whether an entry's stored hash is the hash of its content (all one can check of an entry alone).</summary>
    private static AuditLinkFailure? SelfCheck(AuditEntry entry)
    {
        var computed = AuditChain.ComputeHash(entry);
        return CryptographicOperations.FixedTimeEquals(entry.Hash, computed)
            ? null
            : new AuditLinkFailure(entry.Sequence, "its content does not match its hash (the entry was edited)",
                $"content hashing to {AuditLinks.Hex(entry.Hash)} (the stored hash)", $"content hashing to {AuditLinks.Hex(computed)}");
    }

    private static StoreIntegrityProblem Missing(long sequence, AuditEntry? found) => Problem(
        StoreIntegrityCodes.AuditLogChanged, sequence,
        $"the {Table} table no longer holds entry {sequence}, which this process committed or verified: rows were deleted (the tail was removed)",
        $"entry {sequence}", found is null ? "no such row" : $"entry {found.Sequence} in its place");

    private static StoreIntegrityProblem ChainBroken(AuditLinkFailure failure) => Problem(
        StoreIntegrityCodes.AuditChainBroken, failure.Sequence,
        $"the audit chain in the {Table} table is broken at entry {failure.Sequence}: {failure.Reason} (expected {failure.Expected}, found {failure.Found})",
        failure.Expected, failure.Found);

    private static StoreIntegrityProblem Problem(string code, long sequence, string message, string expected, string found) => new()
    {
        Code = code,
        Message = message,
        Location = Table,
        Sequence = sequence,
        Expected = expected,
        Found = found,
        DetectedAt = TimeProvider.System.GetUtcNow(),
    };

    private void Latch(StoreIntegrityProblem problem)
    {
        lock (_lock)
        {
            if (!_problems.IsEmpty)
            {
                return;
            }

            _problems = _problems.Add(problem);
        }

        PostgresStoreLog.IntegrityProblem(_logger, problem.Code, problem.Message);
    }
}
