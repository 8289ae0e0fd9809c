using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Model;
using Npgsql;
using NpgsqlTypes;
using static KeylessGeo.ControlPlane.Store.Postgres.PostgresSql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// The <c>leases</c> table. Renewals are single-statement upserts stamped with the database
/// clock (<c>now()</c>), outside the revision lock: they never wait for or bump a commit.
/// </summary>
internal static class PostgresLeases
{
    private const string Columns = "keyserver_id, datacenter_id, endpoints, capacity_names, capacity_values, accelerator, applied_revision, renewed_at, expires_at, cluster_id, cluster_members, cluster_version";

    /// <summary>Upserts the lease with <c>renewed_at = now()</c>, <c>expires_at = now() + ttl</c>; returns it as stored.</summary>
    public static async Task<KeyserverLease> RenewAsync(NpgsqlConnection connection, KeyserverLease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO leases ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now() + $8, $9, $10, $11) " +
            "ON CONFLICT (keyserver_id) DO UPDATE SET datacenter_id = EXCLUDED.datacenter_id, endpoints = EXCLUDED.endpoints, " +
            "capacity_names = EXCLUDED.capacity_names, capacity_values = EXCLUDED.capacity_values, accelerator = EXCLUDED.accelerator, " +
            "applied_revision = EXCLUDED.applied_revision, renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at, " +
            "cluster_id = EXCLUDED.cluster_id, cluster_members = EXCLUDED.cluster_members, cluster_version = EXCLUDED.cluster_version " +
            "RETURNING renewed_at, expires_at",
            connection);
        command.Parameters.AddRange(new NpgsqlParameter[]
        {
            Value(lease.KeyserverId),
            Value(lease.DatacenterId),
            TextArray(lease.Endpoints),
            TextArray(lease.Capacity.Keys),
            new NpgsqlParameter { Value = lease.Capacity.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double },
            Value(lease.Accelerator),
            Value(lease.AppliedRevision),
            new NpgsqlParameter { Value = timeToLive, NpgsqlDbType = NpgsqlDbType.Interval },
            Value(lease.ClusterId),
            TextArray(lease.ClusterMembers),
            Value(lease.ClusterVersion),
        });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return lease with { RenewedAt = reader.GetFieldValue<DateTimeOffset>(0), ExpiresAt = reader.GetFieldValue<DateTimeOffset>(1) };
    }

    /// <summary>Deletes the lease; false when there was none.</summary>
    public static async Task<bool> RemoveAsync(NpgsqlConnection connection, string keyserverId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("DELETE FROM leases WHERE keyserver_id = $1", connection);
        command.Parameters.Add(Value(keyserverId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Leases whose <c>expires_at</c> is after the database's <c>now()</c>, by ordinal keyserver id.</summary>
    public static async Task<IReadOnlyList<KeyserverLease>> ReadLiveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM leases WHERE expires_at > now()", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var leases = new List<KeyserverLease>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var names = reader.GetFieldValue<string[]>(3);
            var values = reader.GetFieldValue<double[]>(4);
            leases.Add(new KeyserverLease
            {
                KeyserverId = reader.GetString(0),
                DatacenterId = reader.GetString(1),
                Endpoints = [.. reader.GetFieldValue<string[]>(2)],
                Capacity = names.Zip(values).ToImmutableSortedDictionary(p => p.First, p => p.Second),
                Accelerator = reader.GetString(5),
                AppliedRevision = reader.GetInt64(6),
                RenewedAt = reader.GetFieldValue<DateTimeOffset>(7),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(8),
                ClusterId = reader.GetString(9),
                ClusterMembers = [.. reader.GetFieldValue<string[]>(10)],
                ClusterVersion = reader.GetInt64(11),
            });
        }

        return [.. leases.OrderBy(l => l.KeyserverId, StringComparer.Ordinal)];
    }
}
