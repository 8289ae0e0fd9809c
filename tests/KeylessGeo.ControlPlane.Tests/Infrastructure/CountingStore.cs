using System.Collections.Concurrent;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A store that counts what its callers read: whole snapshots, snapshot pages and the keys they
/// brought, records read by id, and the records change pages brought; and lets a test act before
/// each snapshot page is read (<see cref="BeforeSnapshotPage"/>). <see cref="DelegatingStore.Inner"/>
/// can be swapped (a store restored from an older backup).
/// </summary>
public sealed class CountingStore(IControlPlaneStore inner) : DelegatingStore(inner)
{
    private int _snapshots;
    private int _changePages;
    private int _changePageRecords;
    private int _snapshotPages;
    private int _largestSnapshotPage;

    /// <summary>Whole snapshots read.</summary>
    public int Snapshots => Volatile.Read(ref _snapshots);

    /// <summary>Change pages (with records) read.</summary>
    public int ChangePages => Volatile.Read(ref _changePages);

    /// <summary>Records the change pages brought, all kinds.</summary>
    public int ChangePageRecords => Volatile.Read(ref _changePageRecords);

    /// <summary>Snapshot pages read.</summary>
    public int SnapshotPages => Volatile.Read(ref _snapshotPages);

    /// <summary>The most keys one snapshot page brought.</summary>
    public int LargestSnapshotPage => Volatile.Read(ref _largestSnapshotPage);

    /// <summary>Runs before each snapshot page is read, given the key id the page starts after (null: the first page).</summary>
    public Func<string?, Task>? BeforeSnapshotPage { get; set; }

    /// <summary>Every id asked for by <see cref="ReadRecordsAsync"/>, in order.</summary>
    public ConcurrentQueue<RecordId> RecordsAsked { get; } = new();

    /// <summary>Forgets every count.</summary>
    public void Reset()
    {
        Volatile.Write(ref _snapshots, 0);
        Volatile.Write(ref _changePages, 0);
        Volatile.Write(ref _changePageRecords, 0);
        Volatile.Write(ref _snapshotPages, 0);
        Volatile.Write(ref _largestSnapshotPage, 0);
        RecordsAsked.Clear();
    }

    public override Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _snapshots);
        return base.ReadSnapshotAsync(cancellationToken);
    }

    public override async Task<SnapshotPage> ReadSnapshotPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        if (BeforeSnapshotPage is { } before)
        {
            await before(afterKeyId);
        }

        var page = await base.ReadSnapshotPageAsync(afterKeyId, maxKeys, cancellationToken);
        Interlocked.Increment(ref _snapshotPages);
        int largest;
        do
        {
            largest = Volatile.Read(ref _largestSnapshotPage);
        }
        while (page.Keys.Length > largest && Interlocked.CompareExchange(ref _largestSnapshotPage, page.Keys.Length, largest) != largest);

        return page;
    }

    public override Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            RecordsAsked.Enqueue(id);
        }

        return base.ReadRecordsAsync(ids, cancellationToken);
    }

    public override async Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        var changed = await base.ReadChangedRecordsAsync(afterRevision, maxCount, cancellationToken);
        Interlocked.Increment(ref _changePages);
        Interlocked.Add(ref _changePageRecords, changed.Records.Count);
        return changed;
    }
}
