using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Store.Integrity;

/// <summary>The outcome of <see cref="IControlPlaneStore.CheckIntegrityAsync"/>.</summary>
public sealed record StoreIntegrityReport
{
    /// <summary>The report of a store that has no integrity checks (a test double, a wrapper).</summary>
    public static StoreIntegrityReport NotChecked { get; } = new() { Checked = false };

    /// <summary>False when the store does not check itself; <see cref="Problems"/> is then empty and means nothing.</summary>
    public required bool Checked { get; init; }

    /// <summary>Every problem found so far; once a problem is found it stays until the process restarts.</summary>
    public ImmutableArray<StoreIntegrityProblem> Problems { get; init; } = [];

    /// <summary>How many audit entries this instance has verified so far.</summary>
    public long VerifiedAuditEntries { get; init; }

    /// <summary>True when no problem was found.</summary>
    public bool IsIntact => Problems.IsEmpty;

    /// <summary>A report of a store that checked and found nothing wrong.</summary>
    public static StoreIntegrityReport Intact(long verifiedAuditEntries) => new() { Checked = true, VerifiedAuditEntries = verifiedAuditEntries };

    /// <summary>A report listing <paramref name="problems"/>.</summary>
    public static StoreIntegrityReport Damaged(ImmutableArray<StoreIntegrityProblem> problems, long verifiedAuditEntries) =>
        new() { Checked = true, Problems = problems, VerifiedAuditEntries = verifiedAuditEntries };
}
