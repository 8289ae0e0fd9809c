using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A store that lets a test act between an operation's snapshot read and its commit (another
/// control-plane instance committing first), or fail like an unreachable database.
/// </summary>
public sealed class InterferingStore(IControlPlaneStore inner) : DelegatingStore(inner)
{
    /// <summary>Runs before each commit the service layer attempts; returns false to stop interfering.</summary>
    public Func<Task<bool>>? BeforeCommit { get; set; }

    /// <summary>When set, every read and commit throws <see cref="StoreUnavailableException"/>.</summary>
    public bool Unavailable { get; set; }

    public int CommitAttempts { get; private set; }

    public override Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken) =>
        Unavailable ? throw new StoreUnavailableException("connection refused") : base.ReadSnapshotAsync(cancellationToken);

    public override async Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken)
    {
        CommitAttempts++;
        if (BeforeCommit is { } interfere && !await interfere())
        {
            BeforeCommit = null;
        }

        return Unavailable ? throw new StoreUnavailableException("connection refused") : await base.CommitAsync(changes, expectedRevision, cancellationToken);
    }

    public override Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken) =>
        Unavailable ? throw new StoreUnavailableException("connection refused") : base.ReadRecordsAsync(ids, cancellationToken);

    public override Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) =>
        Unavailable ? throw new StoreUnavailableException("connection refused") : base.ReadChangedRecordsAsync(afterRevision, maxCount, cancellationToken);
}
