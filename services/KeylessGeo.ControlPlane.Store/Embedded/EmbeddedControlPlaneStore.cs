using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// The control-plane store in a data directory on one machine, shared by every process there
/// (control plane, keyservers). <c>state.json</c> holds the snapshot, change feed and audit
/// head and is replaced atomically per commit; <c>audit.log</c> is the append-only audit
/// log; <c>leases/</c> holds one file per keyserver; <c>store.lock</c> serializes writers.
/// The store remembers what it wrote and refuses to commit over files changed behind its back
/// (<see cref="CheckIntegrityAsync"/>). See <c>docs/STORE.md</c> for the layout, the crash-safety
/// argument and the integrity checks.
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
    private readonly EmbeddedIntegrity _integrity;
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private readonly SemaphoreSlim _initGate = new(1, 1);
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
        _watcher = new StateWatcher(directory, ReadRevisionAsync, _signal, options.PollInterval, _logger);
        _integrity = new EmbeddedIntegrity(_state, _audit.Path, _time, _logger);
    }

    public string Kind => "embedded";

    /// <summary>The data directory's full path.</summary>
    public string DataDirectory => _state.Directory;

    /// <summary>
    /// Creates the data directory and an empty state on first use, then loads the state once so a
    /// damaged store fails here, not later, and verifies the whole audit chain against it (a broken
    /// chain does not fail the open: it is reported by <see cref="CheckIntegrityAsync"/> and refuses
    /// commits). Idempotent; every other call runs it first.
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
                await Guard(() => CreateIfMissingAsync(cancellationToken)).ConfigureAwait(false);
                var state = await Guard(() => _state.LoadAsync(cancellationToken)).ConfigureAwait(false);
                await Guard(() => _integrity.OpenAsync(cancellationToken)).ConfigureAwait(false);
                _signal.Publish(state.Revision);
                EmbeddedStoreLog.Opened(_logger, DataDirectory, state.Revision);
                _initialized = true;
            }
        }
        finally
        {
            _initGate.Release();
        }
    }

    public async Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return (await Guard(() => _state.LoadAsync(cancellationToken)).ConfigureAwait(false)).Snapshot;
    }

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
        CommitResult result;
        try
        {
            result = await Guard(() => CommitLockedAsync(changes, expectedRevision, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            _commitGate.Release();
        }

        _signal.Publish(result.Revision);
        return result;
    }

    public async Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var state = await Guard(() => _state.LoadAsync(cancellationToken)).ConfigureAwait(false);
        var page = state.Changes.Where(c => c.Revision > afterRevision).Take(maxCount).ToList();
        return new ChangePage(page, state.Revision, ChangeFeedRetention.IsTruncated(afterRevision, state.ChangesTruncatedThrough));
    }

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
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var state = await Guard(() => _state.LoadAsync(cancellationToken)).ConfigureAwait(false);
        return await _audit.ReadAsync(state.AuditCount, fromSequence, maxCount, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that <c>state.json</c> and <c>audit.log</c> still hold what this process wrote or
    /// verified: file stamps, the audit log's last verified line, and (when a stamp moved) the
    /// hash of the verified bytes; entries another process committed are verified as they appear.
    /// Commits additionally hash the whole state file. While a commit is in progress (it checks the
    /// files itself before writing) the report is what is known, so a probe never waits for a
    /// commit. See <see cref="IControlPlaneStore.CheckIntegrityAsync"/>.
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
        await _watcher.DisposeAsync().ConfigureAwait(false);
        _integrity.Dispose();
        _commitGate.Dispose();
        _initGate.Dispose();
    }

    private async Task<CommitResult> CommitLockedAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken)
    {
        using var writerLock = await WriterLock.AcquireAsync(DataDirectory, _options.LockTimeout, cancellationToken).ConfigureAwait(false);

        // Under the lock the file is the truth: another process may have committed since our last
        // read. The integrity check accepts such a commit only if its audit entries chain to ours,
        // and refuses to write over anything else.
        var current = await _integrity.VerifyForCommitAsync(cancellationToken).ConfigureAwait(false);
        if (current.Revision != expectedRevision)
        {
            throw new StoreConflictException(expectedRevision, current.Revision);
        }

        var revision = current.Revision + 1;
        var (snapshot, records) = SnapshotChanges.Apply(current.Snapshot, changes, revision);
        var entry = AuditChain.Seal(changes.Audit, current.AuditHead, revision, _time.GetUtcNow());
        var (retained, truncatedThrough) = ChangeFeedRetention.Append(current.Changes, records, _options.ChangeRetention, current.ChangesTruncatedThrough);

        // The entry goes in first; it only counts once state.json names it, so a crash between the two leaves it ignored.
        var appended = await _audit.AppendAsync(current, entry, cancellationToken).ConfigureAwait(false);
        var next = current with
        {
            Revision = revision,
            Snapshot = snapshot,
            Changes = retained,
            ChangesTruncatedThrough = truncatedThrough,
            AuditCount = entry.Sequence,
            AuditLength = appended.Length,
            AuditHead = entry,
        };
        var written = await _state.WriteAsync(next, CancellationToken.None).ConfigureAwait(false);
        _integrity.Committed(next, written, appended);
        return new CommitResult(revision, entry);
    }

    private async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        DurableFile.EnsureDirectory(DataDirectory);
        DurableFile.EnsureDirectory(_leases.Path);
        if (_state.Exists)
        {
            return;
        }

        using var writerLock = await WriterLock.AcquireAsync(DataDirectory, _options.LockTimeout, cancellationToken).ConfigureAwait(false);
        if (_state.Exists)
        {
            return;
        }

        if (_audit.HasContent)
        {
            // An audit log without a state file: the state was lost, and starting empty would hide that.
            throw new StoreUnavailableException($"the embedded store's state file {_state.Path} is missing but {_audit.Path} holds entries; restore {StateFile.FileName} from a backup");
        }

        await _state.WriteAsync(EmbeddedState.Empty, cancellationToken).ConfigureAwait(false);
    }

    private Task<long> ReadRevisionAsync(CancellationToken cancellationToken) => Guard(() => _state.ReadRevisionAsync(cancellationToken));

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
