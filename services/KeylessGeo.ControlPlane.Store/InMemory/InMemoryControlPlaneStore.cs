using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.InMemory;

/// <summary>
/// The reference implementation of <see cref="IControlPlaneStore"/>, held in memory: for tests
/// and single-process tools. Same semantics as the embedded and PostgreSQL stores.
/// </summary>
public sealed class InMemoryControlPlaneStore : IControlPlaneStore
{
    /// <summary>How many change records the feed keeps.</summary>
    public const int ChangeRetention = 10_000;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly RevisionSignal _signal = new();
    private readonly int _changeRetention;
    private readonly List<AuditEntry> _audit = [];
    private readonly SortedDictionary<string, KeyserverLease> _leases = new(StringComparer.Ordinal);
    private readonly InMemoryIntegrity _integrity;
    private ControlPlaneSnapshot _snapshot = ControlPlaneSnapshot.Empty;
    private ImmutableArray<ChangeRecord> _changes = [];
    private long _changesTruncatedThrough;

    public InMemoryControlPlaneStore(TimeProvider? time = null)
        : this(time, ChangeRetention)
    {
    }

    /// <summary>A store whose change feed keeps <paramref name="changeRetention"/> records (whole revisions are dropped beyond it).</summary>
    public InMemoryControlPlaneStore(TimeProvider? time, int changeRetention)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(changeRetention);
        _time = time ?? TimeProvider.System;
        _changeRetention = changeRetention;
        _integrity = new InMemoryIntegrity(_time);
    }

    public string Kind => "in-memory";

    public Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_snapshot);
        }
    }

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_snapshot.Revision);
        }
    }

    public Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        changes = ManagedKeyContent.Sealed(changes);
        CommitResult result;
        lock (_lock)
        {
            _integrity.VerifyHead(_audit);
            if (_snapshot.Revision != expectedRevision)
            {
                throw new StoreConflictException(expectedRevision, _snapshot.Revision);
            }

            var revision = _snapshot.Revision + 1;
            var (next, records) = SnapshotChanges.Apply(_snapshot, changes, revision);
            var entry = AuditChain.Seal(changes.Audit, _audit.Count == 0 ? null : _audit[^1], revision, _time.GetUtcNow());
            _snapshot = next;
            _audit.Add(entry);
            _integrity.Sealed(entry);
            (_changes, _changesTruncatedThrough) = ChangeFeedRetention.Append(_changes, records, _changeRetention, _changesTruncatedThrough);

            result = new CommitResult(revision, entry);
        }

        _signal.Publish(result.Revision);
        return Task.FromResult(result);
    }

    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        lock (_lock)
        {
            var truncated = ChangeFeedRetention.IsTruncated(afterRevision, _changesTruncatedThrough);
            var (page, _) = RetainedChanges.Page(_changes, afterRevision, maxCount);
            return Task.FromResult(new ChangePage(page, _snapshot.Revision, truncated));
        }
    }

    public Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ControlPlaneSnapshot snapshot;
        lock (_lock)
        {
            snapshot = _snapshot;
        }

        return Task.FromResult(ReadRecords(snapshot, ids));
    }

    public Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ControlPlaneSnapshot snapshot;
        ImmutableArray<ChangeRecord> retained;
        long truncatedThrough;
        lock (_lock)
        {
            (snapshot, retained, truncatedThrough) = (_snapshot, _changes, _changesTruncatedThrough);
        }

        var truncated = ChangeFeedRetention.IsTruncated(afterRevision, truncatedThrough);
        var (page, more) = RetainedChanges.Page(retained, afterRevision, maxCount);
        var records = ReadRecords(snapshot, RetainedChanges.Ids(page));
        return Task.FromResult(new ChangedRecords(new ChangePage(page, snapshot.Revision, truncated), records, !truncated && !more));
    }

    public Task<SnapshotPage> ReadSnapshotPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        ControlPlaneSnapshot snapshot;
        lock (_lock)
        {
            snapshot = _snapshot;
        }

        return Task.FromResult(SnapshotPage.Of(snapshot, afterKeyId, maxKeys));
    }

    public Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken) =>
        _signal.WaitAsync(afterRevision, cancellationToken);

    public Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var stored = lease with { RenewedAt = now, ExpiresAt = now + timeToLive };
        lock (_lock)
        {
            _leases[lease.KeyserverId] = stored;
        }

        return Task.FromResult(stored);
    }

    public Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_leases.Remove(keyserverId));
        }
    }

    public Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            IReadOnlyList<KeyserverLease> live = [.. _leases.Values.Where(l => l.ExpiresAt > now)];
            return Task.FromResult(live);
        }
    }

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        lock (_lock)
        {
            IReadOnlyList<AuditEntry> page = [.. _audit.Where(e => e.Sequence >= fromSequence).Take(maxCount)];
            return Task.FromResult(page);
        }
    }

    /// <summary>Verifies the whole chain (in memory, so without I/O) and that its newest entry is the one committed last.</summary>
    public Task<StoreIntegrityReport> CheckIntegrityAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_integrity.Check(_audit));
        }
    }

    private static RecordSet ReadRecords(ControlPlaneSnapshot snapshot, IEnumerable<RecordId> ids) =>
        RetainedChanges.Read(snapshot.Revision, ids, snapshot.FindDatacenter, snapshot.FindWrappingKey, snapshot.FindPolicy, snapshot.FindKey);

    /// <summary>Test hook: removes the newest <paramref name="count"/> audit entries, as an attacker cutting the log's tail would.</summary>
    internal void RemoveAuditTail(int count)
    {
        lock (_lock)
        {
            _audit.RemoveRange(_audit.Count - count, count);
        }
    }

    /// <summary>Test hook: replaces a stored audit entry, as an attacker editing the store would.</summary>
    internal void TamperWithAudit(long sequence, Func<AuditEntry, AuditEntry> edit)
    {
        lock (_lock)
        {
            var index = _audit.FindIndex(e => e.Sequence == sequence);
            _audit[index] = edit(_audit[index]);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
