using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// A store in front of another that can be switched off: while <see cref="Down"/>, every call
/// throws <see cref="StoreUnavailableException"/> (a pending change-feed wait fails too, as a
/// dropped database connection would). Counts calls so tests can wait for an attempt. Can also
/// lose every change notification (<see cref="Deaf"/>) or be swapped for another store.
/// </summary>
public sealed class FlakyControlPlaneStore : IControlPlaneStore
{
    private IControlPlaneStore _inner;
    private readonly Lock _lock = new();
    private CancellationTokenSource _outage = new();
    private TaskCompletionSource _called = NewSource();
    private volatile bool _down;
    private volatile bool _deaf;
    private int _failures;
    private int _renewals;
    private int _recordReads;
    private int _snapshotPageReads;
    private int _keyIndexPageReads;
    private TaskCompletionSource? _recordReadGate;

    public FlakyControlPlaneStore(IControlPlaneStore inner) => _inner = inner;

    public string Kind => "flaky";

    /// <summary>Calls that failed because the store was down.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Successful lease renewals.</summary>
    public int Renewals => Volatile.Read(ref _renewals);

    /// <summary>Calls to <see cref="ReadRecordsAsync"/> (a keyserver fetching a key's wrapped private key, or the feed's deltas).</summary>
    public int RecordReads => Volatile.Read(ref _recordReads);

    /// <summary>Runs before each snapshot page is read, with the number of page reads so far (1 for the first): commits land between pages.</summary>
    public Func<int, Task>? BeforeSnapshotPage { get; set; }

    /// <summary>Calls to <see cref="ReadSnapshotPageAsync"/>.</summary>
    public int SnapshotPageReads => Volatile.Read(ref _snapshotPageReads);

    /// <summary>Edits what <see cref="ReadRecordsAsync"/> returns (a store giving other bytes than it should); null: nothing.</summary>
    public Func<RecordSet, RecordSet>? AfterRecordRead { get; set; }

    /// <summary>
    /// True: key index pages are full snapshot pages (as the embedded store gives them); false (the
    /// default): the bulky fields are left out (as PostgreSQL does).
    /// </summary>
    public bool FullKeyIndexPages { get; set; }

    /// <summary>Calls to <see cref="ReadKeyIndexPageAsync"/> (each also counts as a snapshot page read).</summary>
    public int KeyIndexPageReads => Volatile.Read(ref _keyIndexPageReads);

    /// <summary>Holds every <see cref="ReadRecordsAsync"/> call until the returned source completes (null source: none held).</summary>
    public TaskCompletionSource HoldRecordReads()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _recordReadGate, gate);
        return gate;
    }

    /// <summary>Lets every held and later <see cref="ReadRecordsAsync"/> call through.</summary>
    public void ReleaseRecordReads() => Interlocked.Exchange(ref _recordReadGate, null)?.TrySetResult();

    public bool Down
    {
        get => _down;
        set
        {
            lock (_lock)
            {
                _down = value;
                if (value)
                {
                    _outage.Cancel();
                }
                else
                {
                    _outage = new CancellationTokenSource();
                }
            }
        }
    }

    /// <summary>While true, change-feed waits never complete by themselves (notifications are lost); only their caller's cancellation ends them.</summary>
    public bool Deaf
    {
        get => _deaf;
        set => _deaf = value;
    }

    /// <summary>Puts another store behind this one (a store restored from a backup, say); later calls go to it.</summary>
    public void Swap(IControlPlaneStore inner) => Volatile.Write(ref _inner, inner);

    /// <summary>Completes at the next call to the store (take it before checking what the call would change).</summary>
    public Task NextCall()
    {
        lock (_lock)
        {
            return _called.Task;
        }
    }

    /// <summary>Completes once <paramref name="condition"/> holds after some call to the store.</summary>
    public async Task WhenAsync(Func<FlakyControlPlaneStore, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var called = NextCall();
            if (condition(this))
            {
                return;
            }

            await called.WaitAsync(cancellationToken);
        }
    }

    public Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken) => Call(() => _inner.ReadSnapshotAsync(cancellationToken));

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) => Call(() => _inner.GetRevisionAsync(cancellationToken));

    public Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken) =>
        Call(() => _inner.CommitAsync(changes, expectedRevision, cancellationToken));

    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) =>
        Call(() => _inner.ReadChangesAsync(afterRevision, maxCount, cancellationToken));

    public async Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _recordReads);
        if (Volatile.Read(ref _recordReadGate) is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        var read = await Call(() => _inner.ReadRecordsAsync(ids, cancellationToken));
        return AfterRecordRead is { } edit ? edit(read) : read;
    }

    public async Task<SnapshotPage> ReadSnapshotPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        var reads = Interlocked.Increment(ref _snapshotPageReads);
        if (BeforeSnapshotPage is { } before)
        {
            await before(reads);
        }

        return await Call(() => _inner.ReadSnapshotPageAsync(afterKeyId, maxKeys, cancellationToken));
    }

    public async Task<SnapshotPage> ReadKeyIndexPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _keyIndexPageReads);
        var page = await ReadSnapshotPageAsync(afterKeyId, maxKeys, cancellationToken);
        return FullKeyIndexPages ? page : page with { Keys = [.. page.Keys.Select(ManagedKeyContent.IndexForm)] };
    }

    public Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken) =>
        Call(() => _inner.ReadChangedRecordsAsync(afterRevision, maxCount, cancellationToken));

    public async Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken)
    {
        CancellationToken outage;
        lock (_lock)
        {
            outage = _outage.Token;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, outage);
        try
        {
            if (_deaf)
            {
                await Task.Delay(Timeout.Infinite, linked.Token);
            }

            return await Call(() => _inner.WaitForChangeAsync(afterRevision, linked.Token));
        }
        catch (OperationCanceledException) when (outage.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Fail();
            throw new StoreUnavailableException("the test store went down during a change-feed wait");
        }
    }

    public async Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var stored = await Call(() => _inner.RenewLeaseAsync(lease, timeToLive, cancellationToken));
        Interlocked.Increment(ref _renewals);
        Signal();
        return stored;
    }

    public Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken) => Call(() => _inner.RemoveLeaseAsync(keyserverId, cancellationToken));

    public Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken) => _inner.ReadLiveLeasesAsync(cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken) =>
        _inner.ReadAuditAsync(fromSequence, maxCount, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _outage.Dispose();
        return ValueTask.CompletedTask;
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        if (_down)
        {
            Fail();
            throw new StoreUnavailableException("the test store is down");
        }

        try
        {
            return await call();
        }
        finally
        {
            Signal();
        }
    }

    private void Fail()
    {
        Interlocked.Increment(ref _failures);
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource called;
        lock (_lock)
        {
            called = _called;
            _called = NewSource();
        }

        called.TrySetResult();
    }
}
