using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// The Orleans membership table in the control-plane PostgreSQL database, in tables of our own
/// (<see cref="PostgresMembershipSql"/>) created idempotently by
/// <see cref="InitializeMembershipTableAsync"/>. An insert or update is one transaction that moves
/// the cluster's version on only from the version and etag the caller read and changes the
/// silo's row only if it is absent (insert) or still has the caller's etag (update); either
/// condition failing rolls both back and answers false.
/// </summary>
public sealed class PostgresMembershipTable : MembershipTableBase, IAsyncDisposable, IDisposable
{
    private readonly string _clusterId;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnectionStringBuilder _target;

    /// <summary>Creates the table of <paramref name="clusterId"/> in the database of <paramref name="connectionString"/>.</summary>
    public PostgresMembershipTable(string connectionString, string clusterId, ILogger<PostgresMembershipTable> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        ArgumentNullException.ThrowIfNull(logger);
        _clusterId = clusterId;
        _logger = logger;
        _target = new NpgsqlConnectionStringBuilder(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc />
    public override async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(PostgresMembershipSql.LockSchema, PostgresMembershipSql.SchemaLockKey));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresMembershipSql.CreateVersionTable));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresMembershipSql.CreateSiloTable));
            if (tryInitTableVersion)
            {
                batch.BatchCommands.Add(Command(PostgresMembershipSql.EnsureVersion, _clusterId));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        MembershipLog.PostgresTableOpened(_logger, _clusterId, _target.Database, _target.Host);
    }

    /// <inheritdoc />
    public override async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        await ExecuteAsync(PostgresMembershipSql.DeleteCluster, [clusterId], cancellationToken).ConfigureAwait(false);
        MembershipLog.PostgresTableDeleted(_logger, clusterId);
    }

    /// <inheritdoc />
    public override async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var removed = await ExecuteAsync(PostgresMembershipSql.CleanupDefunct, [_clusterId, beforeDate.UtcDateTime], cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            MembershipLog.DefunctSilosRemoved(_logger, removed, _clusterId, beforeDate);
        }
    }

    /// <inheritdoc />
    public override Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReadAsync(PostgresMembershipSql.ReadRow, [_clusterId, MembershipEntryCodec.Key(key)], cancellationToken);
    }

    /// <inheritdoc />
    public override Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default) => ReadAsync(PostgresMembershipSql.ReadAll, [_clusterId], cancellationToken);

    /// <inheritdoc />
    public override Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return WriteAsync(
            tableVersion,
            Command(PostgresMembershipSql.InsertSilo, SiloParameters(MembershipEntryCodec.ToDocument(entry))),
            ensureVersion: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public override Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (etag is null)
        {
            return Task.FromResult(false);
        }

        return WriteAsync(
            tableVersion,
            Command(PostgresMembershipSql.UpdateSilo, [.. SiloParameters(MembershipEntryCodec.ToDocument(entry)), etag]),
            ensureVersion: false,
            cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.SiloAddress);
        var key = MembershipEntryCodec.Key(entry.SiloAddress);
        var updated = await ExecuteAsync(PostgresMembershipSql.UpdateIAmAlive, [_clusterId, key, MembershipEntryCodec.Utc(entry.IAmAliveTime)], cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            MembershipLog.IAmAliveForMissingRow(_logger, key, _clusterId);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// Moves the version on and applies <paramref name="change"/> in one transaction (one round
    /// trip for the batch); commits only when both touched exactly one row.
    /// </summary>
    private async Task<bool> WriteAsync(TableVersion tableVersion, NpgsqlBatchCommand change, bool ensureVersion, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (ensureVersion)
        {
            // A cluster nobody initialized starts at version 0, as an empty file table does.
            batch.BatchCommands.Add(Command(PostgresMembershipSql.EnsureVersion, _clusterId));
        }

        var bump = Command(PostgresMembershipSql.BumpVersion, _clusterId, tableVersion.Version, MembershipEtag.New(), tableVersion.VersionEtag ?? "");
        batch.BatchCommands.Add(bump);
        batch.BatchCommands.Add(change);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (bump.RecordsAffected != 1 || change.RecordsAffected != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<MembershipTableData> ReadAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var version = new TableVersion(0, MembershipEtag.Initial);
        var rows = new List<Tuple<MembershipEntry, string>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            version = new TableVersion(reader.GetInt32(0), reader.GetString(1));
            if (reader.IsDBNull(2))
            {
                continue;
            }

            var stored = JsonSerializer.Deserialize(reader.GetString(3), MembershipJsonContext.Default.MembershipEntryDocument)
                ?? throw new InvalidDataException($"PostgreSQL membership table: cluster {_clusterId} holds an empty entry");
            var entry = MembershipEntryCodec.FromDocument(stored with { IAmAliveTime = reader.GetFieldValue<DateTime>(4) });
            rows.Add(Tuple.Create(entry, reader.GetString(2)));
        }

        return new MembershipTableData(rows, version);
    }

    private async Task<int> ExecuteAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private object[] SiloParameters(MembershipEntryDocument entry)
    {
        DateTime? lastSuspicion = entry.SuspectTimes is { Count: > 0 } votes ? votes.Max(vote => vote.Time) : null;
        return
        [
            _clusterId,
            entry.SiloAddress,
            MembershipEtag.New(),
            entry.Status,
            entry.StartTime,
            entry.IAmAliveTime,
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = lastSuspicion.HasValue ? lastSuspicion.Value : DBNull.Value },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(entry, MembershipJsonContext.Default.MembershipEntryDocument) },
        ];
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
