using System.Data;
using KeylessGeo.ControlPlane.Store.Model;
using Npgsql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// Reads a <see cref="ControlPlaneSnapshot"/> in one repeatable-read transaction, so every table
/// is seen at the same revision. The last snapshot is kept and returned again while the revision
/// has not moved (keyservers re-read after every change; most reads find nothing new).
/// </summary>
internal sealed class PostgresSnapshotReader
{
    private ControlPlaneSnapshot? _cached;

    /// <summary>The committed snapshot.</summary>
    public async Task<ControlPlaneSnapshot> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var revision = await PostgresChanges.ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && cached.Revision == revision)
        {
            return cached;
        }

        var records = await PostgresRecords.ReadAllAsync(connection, transaction, revision, cancellationToken).ConfigureAwait(false);
        var snapshot = new ControlPlaneSnapshot
        {
            Revision = revision,
            Datacenters = records.Datacenters,
            WrappingKeys = records.WrappingKeys,
            Policies = records.Policies,
            Keys = records.Keys,
        };
        Volatile.Write(ref _cached, snapshot);
        return snapshot;
    }
}
