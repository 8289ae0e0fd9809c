using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Integrity;

/// <summary>
/// A commit was refused because the store found damage (<see cref="Problems"/>): an audit entry that
/// does not verify, an audit log or state file that no longer holds what was committed. Nothing was
/// written, and nothing will be until an operator repairs the store and restarts the process (which
/// verifies everything again). A <see cref="StoreUnavailableException"/>, so callers that retry
/// outages keep working; they simply keep failing until the repair.
/// </summary>
public sealed class StoreIntegrityException : StoreUnavailableException
{
    public StoreIntegrityException(ImmutableArray<StoreIntegrityProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem the store has found (at least one).</summary>
    public ImmutableArray<StoreIntegrityProblem> Problems { get; }

    private static string Describe(ImmutableArray<StoreIntegrityProblem> problems)
    {
        if (problems.IsDefaultOrEmpty)
        {
            throw new ArgumentException("an integrity exception needs at least one problem", nameof(problems));
        }

        return "the store refuses commits because it was changed behind its back; nothing was written: "
            + string.Join("; ", problems.Select(p => p.Message))
            + ". Restore the damaged data from a backup and restart (see docs/RUNBOOK.md)";
    }
}
