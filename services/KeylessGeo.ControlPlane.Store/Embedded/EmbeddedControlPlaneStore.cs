using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// The control-plane store in a data directory on one machine, shared by every process there
/// (control plane, keyservers). Log-structured: <c>state.json</c> is a snapshot, each commit
/// appends one checksummed record to the current <c>commits.&lt;generation&gt;.log</c> and its
/// entry to the append-only <c>audit.log</c> (both fsynced), and every process keeps the state in
/// memory and applies the records other processes append. A commit therefore writes in proportion
/// to the change, not to the store. A background compaction folds the log into a new snapshot.
/// <c>leases/</c> holds one file per keyserver; <c>store.lock</c> serializes writers. The store
/// remembers what it wrote and refuses to commit over files changed behind its back
/// (<see cref="CheckIntegrityAsync"/>). See <c>docs/STORE.md</c> for the layout, the crash-safety
/// argument, compaction and the integrity checks.
/// </summary>
public sealed class EmbeddedControlPlaneStore : IControlPlaneStore
{
    private readonly EmbeddedStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StateFile _state;
    private readonly AuditLogFile _audit;
    private readonly LeaseDirectory _leases;
    private readonly RevisionSignal _signal = new();
    private readonly StateWatcher _watcher;
    private readonly StoreFollower _follower;
    private readonly EmbeddedIntegrity _integrity;
    private readonly SnapshotCompactor _compactor;
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _compactionLock = new();
    private Task _compaction = Task.CompletedTask;
    private volatile bool _initialized;

    /// <summary>Creates the store; nothing touches the disk until <see cref="InitializeAsync"/> or the first call.</summary>
    public EmbeddedControlPlaneStore(EmbeddedStoreOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid embedded store options: " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var directory = Path.GetFullPath(options.DataDirectory);
        _state = new StateFile(directory);
        _audit = new AuditLogFile(directory);
        _leases = new LeaseDirectory(directory);
        _follower = new StoreFollower(_state);
        _watcher = new StateWatcher(directory, ReadRevisionAsync, _signal, options.PollInterval, _logger);
        _integrity = new EmbeddedIntegrity(_state, _follower, _audit.Path, _time, _logger);
        _compactor = new SnapshotCompactor(directory, _state, _follower, _integrity, options);
    }

    public string Kind => "embedded";

    /// <summary>The data directory's full path.</summary>
    public string DataDirectory => _state.Directory;

    /// <summary>
    /// Creates the data directory and an empty snapshot on first use (or migrates a
    /// <c>state.json</c> written by an earlier build, which rewrote it whole per commit), then loads
    /// the snapshot and replays the commit log once so a damaged store fails here, not later, and
    /// verifies the whole audit chain against it (a broken chain does not fail the open: it is
    /// reported by <see cref="CheckIntegrityAsync"/> and refuses commits). Idempotent; every other
    /// call runs it first.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await Guard(() => CreateOrMigrateAsync(cancellationToken)).ConfigureAwait(false);
                await Guard(() => _integrity.OpenAsync(cancellationToken)).ConfigureAwait(false);
                var revision = _follower.Position!.State.Revision;
                _signal.Publish(revision);
                EmbeddedStoreLog.Opened(_logger, DataDirectory, revision);
                _initialized = true;
            }
        }
        finally
        {
            _initGate.Release();
        }
    }

    public async Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Snapshot;

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRevisionAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _commitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        (CommitResult Result, long LogLength) committed;
        try
        {
            committed = await Guard(() => CommitLockedAsync(changes, expectedRevision, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            _commitGate.Release();
        }

        _signal.Publish(committed.Result.Revision);
        if (CompactionDue(committed.LogLength))
        {
            StartCompaction();
        }

        return committed.Result;
    }

    /// <summary>
    /// Folds the commit log into a new snapshot now (commits normally start this in the background
    /// once the log is large enough; see <see cref="EmbeddedStoreOptions.CompactionMinimumLogBytes"/>).
    /// Commits wait for it only while it starts the next log generation and while it renames the
    /// finished snapshot into place. False when there was nothing to fold or another process's
    /// compaction got there first. Refuses (<see cref="StoreIntegrityException"/>) to write over a
    /// snapshot that was changed behind the store: compaction hashes it first.
    /// </summary>
    public async Task<bool> CompactAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(() => _compactor.CompactAsync(cancellationToken)).ConfigureAwait(false);
    }

    public async Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var state = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var (page, _) = RetainedChanges.Page(state.Changes, afterRevision, maxCount);
        return new ChangePage(page, state.Revision, ChangeFeedRetention.IsTruncated(afterRevision, state.ChangesTruncatedThrough));
    }

    public async Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Read(ids);
    }

    public async Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var state = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var truncated = ChangeFeedRetention.IsTruncated(afterRevision, state.ChangesTruncatedThrough);
        var (page, more) = RetainedChanges.Page(state.Changes, afterRevision, maxCount);
        return new ChangedRecords(new ChangePage(page, state.Revision, truncated), state.Read(RetainedChanges.Ids(page)), !truncated && !more);
    }

    public async Task<SnapshotPage> ReadSnapshotPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        return (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Page(afterKeyId, maxKeys);
    }

    /// <summary>
    /// A key index page (<see cref="IControlPlaneStore.ReadKeyIndexPageAsync"/>): the full page, as
    /// <see cref="ReadSnapshotPageAsync"/> gives it. This process holds every record in memory anyway
    /// (each with its content digest), so leaving the bulky fields out would only copy every record.
    /// </summary>
    public Task<SnapshotPage> ReadKeyIndexPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken) =>
        ReadSnapshotPageAsync(afterKeyId, maxKeys, cancellationToken);

    public async Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        _watcher.EnsureStarted();
        _signal.Publish(await ReadRevisionAsync(cancellationToken).ConfigureAwait(false));
        return await _signal.WaitAsync(afterRevision, cancellationToken).ConfigureAwait(false);
    }

    public async Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var stored = lease with { RenewedAt = now, ExpiresAt = now + timeToLive };
        await Guard(async () =>
        {
            await _leases.WriteAsync(stored, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        return stored;
    }

    public async Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyserverId);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(() => Task.FromResult(_leases.Remove(keyserverId))).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var all = await Guard(() => _leases.ReadAllAsync(cancellationToken)).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return [.. all.Where(l => l.ExpiresAt > now).OrderBy(l => l.KeyserverId, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var state = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        return await _audit.ReadAsync(state.Audit.Count, fromSequence, maxCount, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that <c>state.json</c>, the commit log and <c>audit.log</c> still hold what this
    /// process wrote or verified: file stamps, the last commit-log record and audit line, and (when
    /// a stamp moved) the hash of the verified bytes; commits and snapshots another process wrote are
    /// verified as they appear. While a commit is in progress (it checks the files itself before
    /// writing) the report is what is known, so a probe never waits for a commit. See
    /// <see cref="IControlPlaneStore.CheckIntegrityAsync"/>.
    /// </summary>
    public async Task<StoreIntegrityReport> CheckIntegrityAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (!await _commitGate.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            return _integrity.Report();
        }

        try
        {
            return await Guard(() => _integrity.CheckAsync(cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            _commitGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task compaction;
        lock (_compactionLock)
        {
            compaction = _compaction;
        }

        await compaction.ConfigureAwait(false);
        await _watcher.DisposeAsync().ConfigureAwait(false);
        _integrity.Dispose();
        _follower.Dispose();
        _commitGate.Dispose();
        _initGate.Dispose();
        _stopping.Dispose();
    }

    private async Task<(CommitResult Result, long LogLength)> CommitLockedAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken)
    {
        // The keys' content digests are computed here, once, and persisted with them (commit log, then snapshot).
        changes = ManagedKeyContent.Sealed(changes);
        using var writerLock = await WriterLock.AcquireAsync(DataDirectory, _options.LockTimeout, cancellationToken).ConfigureAwait(false);

        // Under the lock the files are the truth: other processes may have committed since our last
        // read. The integrity check follows their records, accepts them only if their audit entries
        // chain to ours, and refuses to write over anything else.
        var (position, _) = await _integrity.VerifyForWriteAsync(hashSnapshot: false, cancellationToken).ConfigureAwait(false);
        var current = position.State;
        if (current.Revision != expectedRevision)
        {
            throw new StoreConflictException(expectedRevision, current.Revision);
        }

        var logPath = CommitLogFile.PathOf(DataDirectory, position.Generation);
        if (position.Offset == 0)
        {
            CommitLogFile.Create(logPath);
        }

        var revision = current.Revision + 1;
        var entry = AuditChain.Seal(changes.Audit, current.Audit.Head, revision, _time.GetUtcNow());

        // The audit entry goes in first; it only counts once a commit-log record names it, so a crash between the two leaves it ignored.
        var appended = await _audit.AppendAsync(current.Audit, entry, cancellationToken).ConfigureAwait(false);
        var (next, _) = current.Commit(changes, entry, appended.Length, _options.ChangeRetention);
        var framed = CommitLogFraming.Encode(new CommitLogRecord
        {
            Revision = revision,
            Changes = changes,
            Audit = entry,
            AuditLength = appended.Length,
            ChangesTruncatedThrough = next.ChangesTruncatedThrough,
        });

        // The fsync of this append is the commit point; a torn record left by a crashed writer is cut off first.
        var end = await CommitLogFile.AppendAsync(logPath, position.Offset, framed, CancellationToken.None).ConfigureAwait(false);
        _follower.Committed(next, end, framed);
        _integrity.Committed(next.Audit, appended);
        return (new CommitResult(revision, entry), end);
    }

    private void StartCompaction()
    {
        lock (_compactionLock)
        {
            if (!_compaction.IsCompleted || _stopping.IsCancellationRequested)
            {
                return;
            }

            _compaction = Task.Run(() => CompactInBackgroundAsync(_stopping.Token));
        }
    }

    /// <summary>Whether a log of <paramref name="logLength"/> bytes is worth folding: past the minimum and at least the snapshot's size.</summary>
    private bool CompactionDue(long logLength) =>
        _options.CompactionMinimumLogBytes > 0 && logLength >= Math.Max(_options.CompactionMinimumLogBytes, _integrity.SnapshotLength);

    private async Task CompactInBackgroundAsync(CancellationToken stopping)
    {
        try
        {
            // Commits made while it ran did not start another one, so look again when it is done.
            while (await _compactor.CompactAsync(stopping).ConfigureAwait(false) && CompactionDue(_follower.Position!.Offset))
            {
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed mid-compaction: the old snapshot and every log generation are still there.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nobody awaits a background compaction: whatever stopped it is logged, and the log keeps every commit.
            EmbeddedStoreLog.CompactionFailed(_logger, DataDirectory, e);
        }
    }

    private async Task CreateOrMigrateAsync(CancellationToken cancellationToken)
    {
        DurableFile.EnsureDirectory(DataDirectory);
        DurableFile.EnsureDirectory(_leases.Path);
        if (_state.Exists && !await NeedsMigrationAsync(cancellationToken).ConfigureAwait(false))
        {
            // Readers never wait for the writer lock; a crashed compaction's leftovers go when it happens to be free.
            using var free = WriterLock.TryAcquire(DataDirectory);
            if (free is not null)
            {
                _state.DeleteStaleTemps();
            }

            return;
        }

        using var writerLock = await WriterLock.AcquireAsync(DataDirectory, _options.LockTimeout, cancellationToken).ConfigureAwait(false);
        _state.DeleteStaleTemps();
        EmbeddedState document;
        if (_state.Exists)
        {
            var read = await _state.ReadContentAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new StoreUnavailableException($"the embedded store's state file {_state.Path} vanished while it was migrated");
            if (StateFile.TryParse(read.Content, out var parsed) is { } error)
            {
                throw new StoreUnavailableException($"the embedded store's state file {_state.Path} is corrupt: {error}");
            }

            if (parsed!.Format == EmbeddedState.CurrentFormat)
            {
                return;
            }

            // An earlier build's whole-state file: the same snapshot, now followed by commit-log generation 1.
            document = parsed with { Format = EmbeddedState.CurrentFormat, LogGeneration = 1 };
            EmbeddedStoreLog.Migrated(_logger, _state.Path, parsed.Revision);
        }
        else if (_audit.HasContent)
        {
            // An audit log without a state file: the state was lost, and starting empty would hide that.
            throw new StoreUnavailableException($"the embedded store's state file {_state.Path} is missing but {_audit.Path} holds entries; restore {StateFile.FileName} from a backup");
        }
        else
        {
            document = EmbeddedState.Empty;
        }

        foreach (var stray in CommitLogFile.Generations(DataDirectory))
        {
            // Only possible beside a format-1 file if someone put them there; replaying them would invent commits.
            throw new StoreUnavailableException($"the embedded store at {DataDirectory} holds commit log {CommitLogFile.PathOf(DataDirectory, stray)} beside a state file without one; move it away");
        }

        CommitLogFile.Create(CommitLogFile.PathOf(DataDirectory, document.LogGeneration));
        await using var prepared = await _state.PrepareAsync(document, cancellationToken).ConfigureAwait(false);
        _state.Install(prepared);
    }

    private async Task<bool> NeedsMigrationAsync(CancellationToken cancellationToken)
    {
        var prefix = await CommitLogFile.ReadRangeAsync(_state.Path, 0, StateFileHeader.MaxLength, cancellationToken).ConfigureAwait(false);
        return prefix is not null && StateFileHeader.TryReadFormat(prefix, out var format) && format == EmbeddedState.WholeStateFormat;
    }

    private async Task<LiveState> CurrentAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return (await Guard(() => _follower.CatchUpAsync(cancellationToken)).ConfigureAwait(false)).Position.State;
    }

    private async Task<long> ReadRevisionAsync(CancellationToken cancellationToken) =>
        (await Guard(() => _follower.CatchUpAsync(cancellationToken)).ConfigureAwait(false)).Position.State.Revision;

    /// <summary>Runs a file operation, reporting I/O failures as <see cref="StoreUnavailableException"/>.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"the embedded store at {DataDirectory} failed: {e.Message}", e);
        }
    }

    private async Task Guard(Func<Task> operation) => await Guard(async () =>
    {
        await operation().ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);
}
