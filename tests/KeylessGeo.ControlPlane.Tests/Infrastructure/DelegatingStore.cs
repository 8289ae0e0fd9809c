using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A store that passes every call to <see cref="Inner"/>: the base of the tests' store wrappers,
/// which override only the calls they watch or disturb. Disposing it leaves the inner store open
/// (the test owns that one).
/// </summary>
public abstract class DelegatingStore(IControlPlaneStore inner) : IControlPlaneStore
{
    /// <summary>The store every call goes to (a test may swap it: a store restored from an older backup).</summary>
    public IControlPlaneStore Inner { get; set; } = inner;

    public string Kind => Inner.Kind;

    public virtual Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken) => Inner.ReadSnapshotAsync(cancellationToken);

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) => Inner.GetRevisionAsync(cancellationToken);

    public virtual Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken) =>
        Inner.CommitAsync(changes, expectedRevision, cancellationToken);

    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) =>
        Inner.ReadChangesAsync(afterRevision, maxCount, cancellationToken);

    public virtual Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken) =>
        Inner.ReadRecordsAsync(ids, cancellationToken);

    public virtual Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) =>
        Inner.ReadChangedRecordsAsync(afterRevision, maxCount, cancellationToken);

    public virtual Task<SnapshotPage> ReadSnapshotPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken) =>
        Inner.ReadSnapshotPageAsync(afterKeyId, maxKeys, cancellationToken);

    public Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken) => Inner.WaitForChangeAsync(afterRevision, cancellationToken);

    public Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken) => Inner.RenewLeaseAsync(lease, timeToLive, cancellationToken);

    public Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken) => Inner.RemoveLeaseAsync(keyserverId, cancellationToken);

    public Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken) => Inner.ReadLiveLeasesAsync(cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken) => Inner.ReadAuditAsync(fromSequence, maxCount, cancellationToken);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
