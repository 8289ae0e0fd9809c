using System.Collections.Concurrent;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A store that counts what its callers read: whole snapshots, records read by id, and the records
/// change pages brought. <see cref="Inner"/> can be swapped (a store restored from an older backup).
/// </summary>
public sealed class CountingStore(IControlPlaneStore inner) : IControlPlaneStore
{
    private int _snapshots;
    private int _changePages;
    private int _changePageRecords;

    /// <summary>The store every call goes to.</summary>
    public IControlPlaneStore Inner { get; set; } = inner;

    /// <summary>Whole snapshots read.</summary>
    public int Snapshots => Volatile.Read(ref _snapshots);

    /// <summary>Change pages (with records) read.</summary>
    public int ChangePages => Volatile.Read(ref _changePages);

    /// <summary>Records the change pages brought, all kinds.</summary>
    public int ChangePageRecords => Volatile.Read(ref _changePageRecords);

    /// <summary>Every id asked for by <see cref="ReadRecordsAsync"/>, in order.</summary>
    public ConcurrentQueue<RecordId> RecordsAsked { get; } = new();

    public string Kind => Inner.Kind;

    /// <summary>Forgets every count.</summary>
    public void Reset()
    {
        Volatile.Write(ref _snapshots, 0);
        Volatile.Write(ref _changePages, 0);
        Volatile.Write(ref _changePageRecords, 0);
        RecordsAsked.Clear();
    }

    public Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _snapshots);
        return Inner.ReadSnapshotAsync(cancellationToken);
    }

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) => Inner.GetRevisionAsync(cancellationToken);

    public Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken) =>
        Inner.CommitAsync(changes, expectedRevision, cancellationToken);

    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) =>
        Inner.ReadChangesAsync(afterRevision, maxCount, cancellationToken);

    public Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            RecordsAsked.Enqueue(id);
        }

        return Inner.ReadRecordsAsync(ids, cancellationToken);
    }

    public async Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        var changed = await Inner.ReadChangedRecordsAsync(afterRevision, maxCount, cancellationToken);
        Interlocked.Increment(ref _changePages);
        Interlocked.Add(ref _changePageRecords, changed.Records.Count);
        return changed;
    }

    public Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken) => Inner.WaitForChangeAsync(afterRevision, cancellationToken);

    public Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken) => Inner.RenewLeaseAsync(lease, timeToLive, cancellationToken);

    public Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken) => Inner.RemoveLeaseAsync(keyserverId, cancellationToken);

    public Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken) => Inner.ReadLiveLeasesAsync(cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken) => Inner.ReadAuditAsync(fromSequence, maxCount, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
