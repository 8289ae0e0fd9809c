using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.ControlPlane.Audit;

/// <summary>Reading and verifying the hash-chained audit log.</summary>
public sealed class AuditService
{
    /// <summary>The largest page <see cref="ListAsync"/> returns.</summary>
    public const int MaxPageSize = 1000;

    private readonly ControlPlaneContext _context;

    internal AuditService(ControlPlaneContext context) => _context = context;

    /// <summary>Entries from <paramref name="fromSequence"/> (1-based), at most <paramref name="limit"/> (1–1000).</summary>
    public async Task<AuditPage> ListAsync(long fromSequence, int limit, CancellationToken cancellationToken)
    {
        if (fromSequence < 1)
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "from", $"from must be 1 or more, not {fromSequence}");
        }

        if (limit is < 1 or > MaxPageSize)
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "limit", $"limit must be 1 to {MaxPageSize}, not {limit}");
        }

        var entries = await ReadAsync(fromSequence, limit + 1, cancellationToken).ConfigureAwait(false);
        var page = entries.Take(limit).Select(AuditEntryView.From).ToImmutableArray();
        return new AuditPage(page, entries.Count > limit ? page[^1].Sequence + 1 : null);
    }

    /// <summary>Recomputes the whole chain (<see cref="AuditChain.Verify"/>, page by page) and names the first bad entry.</summary>
    public async Task<AuditVerificationView> VerifyAsync(CancellationToken cancellationToken)
    {
        AuditEntry? last = null;
        long verified = 0;
        while (true)
        {
            var page = await ReadAsync(verified + 1, MaxPageSize, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return View(AuditVerification.Intact(verified, last));
            }

            var result = AuditChain.Verify(page, last);
            if (!result.IsIntact)
            {
                return View(result with { VerifiedCount = verified + result.VerifiedCount });
            }

            verified += result.VerifiedCount;
            last = result.Last;
        }
    }

    /// <summary>
    /// Commits an audit entry that changes nothing else (the refused-access summaries written by
    /// <c>Access/RefusalAuditor</c>); returns its revision.
    /// </summary>
    internal Task<long> RecordAsync(AuditDraft draft, CancellationToken cancellationToken) =>
        _context.Committer.RunAsync(draft.Action, _ => Plan<long>.Commit(new ChangeSet { Audit = draft }, revision => revision), cancellationToken);

    private static AuditVerificationView View(AuditVerification result) => new()
    {
        Intact = result.IsIntact,
        VerifiedCount = result.VerifiedCount,
        BrokenAtSequence = result.BrokenAtSequence,
        Reason = result.Reason,
        LastHash = result.Last is { } last ? Convert.ToHexStringLower(last.Hash) : null,
        Summary = result.ToString(),
    };

    private async Task<IReadOnlyList<AuditEntry>> ReadAsync(long from, int count, CancellationToken cancellationToken)
    {
        try
        {
            return await _context.Store.ReadAuditAsync(from, count, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            throw ChangeCommitter.Unavailable("reading the audit log", ex);
        }
    }
}
