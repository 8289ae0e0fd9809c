using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Integrity;

namespace KeylessGeo.ControlPlane.Health;

/// <summary>
/// Decides readiness: the store's integrity (<see cref="IControlPlaneStore.CheckIntegrityAsync"/>,
/// incremental and cheap), whether the store can be read, and whether the commit path works
/// (<see cref="CommitHealth"/>). Keeps the last report for the metrics. Thread-safe.
/// </summary>
internal sealed class StoreReadiness(ControlPlaneServices services, TimeProvider time)
{
    private ReadinessReport? _last;

    /// <summary>The last report, or null before the first check.</summary>
    public ReadinessReport? Last => Volatile.Read(ref _last);

    /// <summary>Checks now.</summary>
    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var problems = ImmutableArray.CreateBuilder<ReadinessProblem>();
        StoreIntegrityReport? integrity = null;
        long? revision = null;
        try
        {
            integrity = await services.Store.CheckIntegrityAsync(cancellationToken).ConfigureAwait(false);
            revision = await services.Store.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            problems.Add(new ReadinessProblem { Code = ReadinessCodes.StoreUnavailable, Message = $"the store cannot be read: {ex.Message}", Since = now });
        }

        if (integrity is not null)
        {
            problems.AddRange(integrity.Problems.Select(From));
        }

        if (services.CommitHealth.LastFailure is { } failure)
        {
            problems.Add(new ReadinessProblem
            {
                Code = ReadinessCodes.CommitFailing,
                Message = $"the last commit ({failure.Operation}, at {failure.At:O}) failed with {failure.Code} and none has succeeded since: {failure.Reason}",
                Since = failure.At,
            });
        }

        var report = new ReadinessReport
        {
            Store = services.Store.Kind,
            Revision = revision,
            Integrity = integrity switch
            {
                null => ReadinessReport.Unknown,
                { Checked: false } => ReadinessReport.NotChecked,
                { IsIntact: true } => ReadinessReport.Intact,
                _ => ReadinessReport.Damaged,
            },
            VerifiedAuditEntries = integrity?.VerifiedAuditEntries ?? 0,
            CheckedAt = now,
            Problems = problems.ToImmutable(),
        };
        Volatile.Write(ref _last, report);
        return report;
    }

    private static ReadinessProblem From(StoreIntegrityProblem problem) => new()
    {
        Code = problem.Code,
        Message = problem.Message,
        Location = problem.Location,
        Sequence = problem.Sequence,
        Expected = problem.Expected,
        Found = problem.Found,
        Since = problem.DetectedAt,
    };
}
