using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A store that lets a test act between an operation's snapshot read and its commit (another
/// control-plane instance committing first), or fail like an unreachable database.
/// </summary>
public sealed class InterferingStore(IControlPlaneStore inner) : IControlPlaneStore
{
    /// <summary>Runs before each commit the service layer attempts; returns false to stop interfering.</summary>
    public Func<Task<bool>>? BeforeCommit { get; set; }

    /// <summary>When set, every read and commit throws <see cref="StoreUnavailableException"/>.</summary>
    public bool Unavailable { get; set; }

    public int CommitAttempts { get; private set; }

    public string Kind => inner.Kind;

    public Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken) =>
        Unavailable ? throw new StoreUnavailableException("connection refused") : inner.ReadSnapshotAsync(cancellationToken);

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) => inner.GetRevisionAsync(cancellationToken);

    public async Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken)
    {
        CommitAttempts++;
        if (BeforeCommit is { } interfere && !await interfere())
        {
            BeforeCommit = null;
        }

        return Unavailable ? throw new StoreUnavailableException("connection refused") : await inner.CommitAsync(changes, expectedRevision, cancellationToken);
    }

    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) => inner.ReadChangesAsync(afterRevision, maxCount, cancellationToken);

    public Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken) =>
        Unavailable ? throw new StoreUnavailableException("connection refused") : inner.ReadRecordsAsync(ids, cancellationToken);

    public Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) =>
        Unavailable ? throw new StoreUnavailableException("connection refused") : inner.ReadChangedRecordsAsync(afterRevision, maxCount, cancellationToken);

    public Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken) => inner.WaitForChangeAsync(afterRevision, cancellationToken);

    public Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken) => inner.RenewLeaseAsync(lease, timeToLive, cancellationToken);

    public Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken) => inner.RemoveLeaseAsync(keyserverId, cancellationToken);

    public Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken) => inner.ReadLiveLeasesAsync(cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken) => inner.ReadAuditAsync(fromSequence, maxCount, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
