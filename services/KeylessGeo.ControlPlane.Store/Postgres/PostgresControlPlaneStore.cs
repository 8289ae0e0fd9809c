using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// The control-plane store in PostgreSQL, for clusters: every control-plane and keyserver process
/// points at one database. Commits are transactions serialized on a single revision row; the
/// change feed is LISTEN/NOTIFY; leases and audit timestamps use the database clock. The schema
/// is migrated on first use. The audit chain is verified whole on first use and incrementally as
/// rows are written and read (<see cref="CheckIntegrityAsync"/>). See <c>docs/STORE.md</c>.
/// </summary>
public sealed class PostgresControlPlaneStore : IControlPlaneStore
{
    /// <summary>The <c>application_name</c> of the listening connection.</summary>
    public const string ListenerApplicationName = "keylessgeo-change-listener";

    private readonly PostgresStoreOptions _options;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenDataSource;
    private readonly RevisionSignal _signal = new();
    private readonly PostgresChangeListener _listener;
    private readonly PostgresSnapshotReader _snapshots = new();
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private readonly PostgresIntegrity _integrity;
    private volatile bool _initialized;

    /// <summary>Creates the store; nothing connects until <see cref="InitializeAsync"/> or the first call.</summary>
    public PostgresControlPlaneStore(PostgresStoreOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid postgresql store options: " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);

        // The listener holds its connection for the store's lifetime: keep it out of the pool, and
        // name it so operators can tell it apart in pg_stat_activity.
        var listen = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false, ApplicationName = ListenerApplicationName };
        _listenDataSource = NpgsqlDataSource.Create(listen.ConnectionString);
        _listener = new PostgresChangeListener(_listenDataSource, _signal, options.ListenerHeartbeat, options.MaxReconnectDelay, _logger);
        _integrity = new PostgresIntegrity(_logger);
    }

    public string Kind => "postgresql";

    /// <summary>How many times the change listener has connected (1 after the first wait, more after reconnects).</summary>
    internal int ListenerConnects => _listener.Connects;

    /// <summary>
    /// Applies pending schema migrations (once per process; safe when several processes start at
    /// once) and verifies the whole audit chain (a broken chain does not fail the open: it is
    /// reported by <see cref="CheckIntegrityAsync"/> and refuses commits). Every other call runs it
    /// first; call it at start-up to fail fast.
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
                var applied = await Guard("migrating the schema", () => PostgresMigrator.ApplyAsync(_dataSource, cancellationToken)).ConfigureAwait(false);
                if (applied.Count > 0)
                {
                    PostgresStoreLog.MigrationsApplied(_logger, string.Join(", ", applied));
                }

                await Guard("verifying the audit chain", async () =>
                {
                    await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    await _integrity.VerifyAllAsync(connection, cancellationToken).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);

                _initialized = true;
            }
        }
        finally
        {
            _initGate.Release();
        }
    }

    public Task<ControlPlaneSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken) =>
        RunAsync("reading a snapshot", connection => _snapshots.ReadAsync(connection, cancellationToken), cancellationToken);

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) =>
        RunAsync("reading the revision", async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT revision FROM store_revision", connection);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);

    public async Task<CommitResult> CommitAsync(ChangeSet changes, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _commitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        CommitResult result;
        try
        {
            result = await RunAsync(
                "committing",
                connection => PostgresCommitter.CommitAsync(connection, changes, expectedRevision, _options.ChangeRetention, _integrity, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _commitGate.Release();
        }

        _signal.Publish(result.Revision);
        return result;
    }

    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return RunAsync("reading changes", connection => PostgresChanges.ReadAsync(connection, afterRevision, maxCount, cancellationToken), cancellationToken);
    }

    public Task<RecordSet> ReadRecordsAsync(IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return RunAsync("reading records", connection => PostgresChanges.ReadRecordsAsync(connection, ids, cancellationToken), cancellationToken);
    }

    public Task<ChangedRecords> ReadChangedRecordsAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return RunAsync(
            "reading changed records", connection => PostgresChanges.ReadChangedRecordsAsync(connection, afterRevision, maxCount, cancellationToken), cancellationToken);
    }

    public Task<SnapshotPage> ReadSnapshotPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        return RunAsync(
            "reading a snapshot page", connection => PostgresRecords.ReadPageAsync(connection, afterKeyId, maxKeys, indexOnly: false, cancellationToken), cancellationToken);
    }

    /// <summary>A snapshot page read without the wrapped private keys and certificates (see <see cref="IControlPlaneStore.ReadKeyIndexPageAsync"/>).</summary>
    public Task<SnapshotPage> ReadKeyIndexPageAsync(string? afterKeyId, int maxKeys, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        return RunAsync(
            "reading a key index page", connection => PostgresRecords.ReadPageAsync(connection, afterKeyId, maxKeys, indexOnly: true, cancellationToken), cancellationToken);
    }

    public async Task<long> WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        _listener.EnsureStarted();
        _signal.Publish(await GetRevisionAsync(cancellationToken).ConfigureAwait(false));
        return await _signal.WaitAsync(afterRevision, cancellationToken).ConfigureAwait(false);
    }

    public Task<KeyserverLease> RenewLeaseAsync(KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        return RunAsync("renewing a lease", connection => PostgresLeases.RenewAsync(connection, lease, timeToLive, cancellationToken), cancellationToken);
    }

    public Task<bool> RemoveLeaseAsync(string keyserverId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyserverId);
        return RunAsync("removing a lease", connection => PostgresLeases.RemoveAsync(connection, keyserverId, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<KeyserverLease>> ReadLiveLeasesAsync(CancellationToken cancellationToken) =>
        RunAsync("reading leases", connection => PostgresLeases.ReadLiveAsync(connection, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(long fromSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return RunAsync("reading the audit log", async connection =>
        {
            // One row more before the page, so the page's first entry is checked against the one it chains to.
            var expectedBefore = fromSequence > 1 ? fromSequence - 1 : 0;
            var rows = await PostgresAudit.ReadRangeAsync(connection, null, Math.Max(1, expectedBefore), long.MaxValue, maxCount + 1, cancellationToken).ConfigureAwait(false);
            var before = expectedBefore > 0 && rows.Count > 0 && rows[0].Sequence == expectedBefore ? rows[0] : null;
            IReadOnlyList<AuditEntry> page = [.. rows.Where(e => e.Sequence >= fromSequence).Take(maxCount)];
            _integrity.CheckPage(before, expectedBefore, page);
            return page;
        }, cancellationToken);
    }

    /// <summary>
    /// Verifies the <c>audit_log</c> rows added since the last verified entry, and that entry itself
    /// (one query in the usual case). Rows edited further back are found when they are read
    /// (<see cref="ReadAuditAsync"/>, so <c>audit verify</c> finds them) and when the store opens.
    /// While a commit is in progress (it checks the head itself) the report is what is known.
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
            await RunAsync("checking the audit log", async connection =>
            {
                await _integrity.CatchUpAsync(connection, null, long.MaxValue, cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return _integrity.Report();
        }
        finally
        {
            _commitGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _listenDataSource.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initGate.Dispose();
        _commitGate.Dispose();
    }

    /// <summary>Runs <paramref name="operation"/> on a pooled connection after initialization, mapping failures.</summary>
    private async Task<T> RunAsync<T>(string what, Func<NpgsqlConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(what, async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await operation(connection).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static async Task<T> Guard<T>(string what, Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (PostgresErrors.IsUnavailable(e))
        {
            throw PostgresErrors.Unavailable(what, e);
        }
    }
}
