using System.Collections.Immutable;
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
        long revision;
        await using (var command = new NpgsqlCommand("SELECT revision FROM store_revision", connection, transaction))
        {
            revision = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var cached = Volatile.Read(ref _cached);
        if (cached is not null && cached.Revision == revision)
        {
            return cached;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new("SELECT id, region, country, tier, labels FROM datacenters"));
        batch.BatchCommands.Add(new("SELECT datacenter_id, fingerprint, public_key, registered_at FROM wrapping_keys"));
        batch.BatchCommands.Add(new("SELECT id, version, text, author, comment, updated_at, key_generation, permitted_datacenters, control_plane_fingerprint, control_plane_blob FROM policies"));
        batch.BatchCommands.Add(new("SELECT policy_id, datacenter_id, wrapping_key_fingerprint, blob FROM policy_wrapped_keys ORDER BY policy_id, ordinal"));
        batch.BatchCommands.Add(new(
            "SELECT key_id, policy_id, version, algorithm, subject_public_key_info, ski, cert_digest, certificate_pem, host_names, " +
            "policy_key_generation, wrapped_private_key, created_at, updated_at FROM keys"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        var datacenters = await ReadAllAsync(reader, r => new DatacenterRecord
        {
            Id = r.GetString(0),
            Region = r.GetString(1),
            Country = r.GetString(2),
            Tier = r.GetString(3),
            Labels = [.. r.GetFieldValue<string[]>(4)],
        }, cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var wrappingKeys = await ReadAllAsync(reader, r => new WrappingKeyRecord
        {
            DatacenterId = r.GetString(0),
            Fingerprint = r.GetString(1),
            PublicKey = r.GetFieldValue<byte[]>(2),
            RegisteredAt = r.GetFieldValue<DateTimeOffset>(3),
        }, cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var policies = await ReadAllAsync(reader, r => new PolicyRecord
        {
            Id = r.GetString(0),
            Version = r.GetInt64(1),
            Text = r.GetString(2),
            Author = r.GetString(3),
            Comment = r.GetString(4),
            UpdatedAt = r.GetFieldValue<DateTimeOffset>(5),
            KeyGeneration = r.GetInt32(6),
            PermittedDatacenters = [.. r.GetFieldValue<string[]>(7)],
            ControlPlaneCopy = new WrappedPolicyKey
            {
                DatacenterId = WrappedPolicyKey.ControlPlaneDatacenterId,
                WrappingKeyFingerprint = r.GetString(8),
                Blob = r.GetFieldValue<byte[]>(9),
            },
        }, cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var wrapped = await ReadAllAsync(reader, r => (PolicyId: r.GetString(0), Key: new WrappedPolicyKey
        {
            DatacenterId = r.GetString(1),
            WrappingKeyFingerprint = r.GetString(2),
            Blob = r.GetFieldValue<byte[]>(3),
        }), cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var keys = await ReadAllAsync(reader, ReadKey, cancellationToken).ConfigureAwait(false);

        var wrappedByPolicy = wrapped.ToLookup(w => w.PolicyId, w => w.Key, StringComparer.Ordinal);
        var snapshot = new ControlPlaneSnapshot
        {
            Revision = revision,
            Datacenters = Sorted(datacenters, d => d.Id),
            WrappingKeys = Sorted(wrappingKeys, w => w.DatacenterId),
            Policies = Sorted(policies.Select(p => p with { WrappedKeys = [.. wrappedByPolicy[p.Id]] }), p => p.Id),
            Keys = Sorted(keys, k => k.KeyId),
        };
        Volatile.Write(ref _cached, snapshot);
        return snapshot;
    }

    private static ManagedKeyRecord ReadKey(NpgsqlDataReader r) => new()
    {
        KeyId = r.GetString(0),
        PolicyId = r.GetString(1),
        Version = r.GetInt32(2),
        Algorithm = r.GetString(3),
        SubjectPublicKeyInfo = r.GetFieldValue<byte[]>(4),
        Ski = r.GetFieldValue<byte[]>(5),
        CertDigest = r.IsDBNull(6) ? null : r.GetFieldValue<byte[]>(6),
        CertificatePem = r.IsDBNull(7) ? null : r.GetString(7),
        HostNames = [.. r.GetFieldValue<string[]>(8)],
        PolicyKeyGeneration = r.GetInt32(9),
        WrappedPrivateKey = r.GetFieldValue<byte[]>(10),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(11),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(12),
    };

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(read(reader));
        }

        return items;
    }

    // Sorted here, not by ORDER BY: the contract is ordinal order, whatever the database collation.
    private static ImmutableArray<T> Sorted<T>(IEnumerable<T> items, Func<T, string> idOf) => [.. items.OrderBy(idOf, StringComparer.Ordinal)];
}
