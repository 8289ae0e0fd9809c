using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// The control-plane store in PostgreSQL, for clusters: every control-plane and keyserver process
/// points at one database. Commits are transactions serialized on a single revision row; the
/// change feed is LISTEN/NOTIFY; leases and audit timestamps use the database clock. The schema
/// is migrated on first use. See <c>docs/STORE.md</c>.
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
    }

    public string Kind => "postgresql";

    /// <summary>How many times the change listener has connected (1 after the first wait, more after reconnects).</summary>
    internal int ListenerConnects => _listener.Connects;

    /// <summary>
    /// Applies pending schema migrations (once per process; safe when several processes start at
    /// once). Every other call runs it first; call it at start-up to fail fast.
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
        var result = await RunAsync(
            "committing",
            connection => PostgresCommitter.CommitAsync(connection, changes, expectedRevision, _options.ChangeRetention, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        _signal.Publish(result.Revision);
        return result;
    }

    public Task<ChangePage> ReadChangesAsync(long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return RunAsync("reading changes", connection => PostgresChanges.ReadAsync(connection, afterRevision, maxCount, cancellationToken), cancellationToken);
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
        return RunAsync("reading the audit log", connection => PostgresAudit.ReadAsync(connection, fromSequence, maxCount, cancellationToken), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _listenDataSource.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initGate.Dispose();
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
