using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using Npgsql;
using NpgsqlTypes;
using static KeylessGeo.ControlPlane.Store.Postgres.PostgresSql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// One commit as one transaction: lock the revision row, check that the newest audit row is (or
/// chains to) the last entry this process verified, check the revision, delete and upsert the
/// records, insert the change records in the same order <see cref="SnapshotChanges"/> gives,
/// append the audit entry chained to the last one, trim the change feed, bump the revision and
/// NOTIFY (delivered only if the transaction commits).
/// </summary>
internal static class PostgresCommitter
{
    /// <summary>The LISTEN/NOTIFY channel; the payload is the new revision.</summary>
    public const string Channel = "keylessgeo_changes";

    public static async Task<CommitResult> CommitAsync(
        NpgsqlConnection connection, ChangeSet changes, long expectedRevision, int retention, PostgresIntegrity integrity, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var head = await PostgresCommitHead.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await integrity.VerifyHeadAsync(connection, transaction, head.LastAudit, cancellationToken).ConfigureAwait(false);
        if (head.Revision != expectedRevision)
        {
            throw new StoreConflictException(expectedRevision, head.Revision);
        }

        var revision = head.Revision + 1;
        var deleted = await DeleteAsync(connection, transaction, changes, cancellationToken).ConfigureAwait(false);
        var records = new List<ChangeRecord>();
        var entry = AuditChain.Seal(changes.Audit, head.LastAudit, revision, head.Now);

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            if (changes.ReplaceTopology is { } topology)
            {
                Record(records, revision, ChangeKind.Datacenter, deleted.Datacenters, topology, d => d.Id);
                foreach (var d in topology)
                {
                    batch.BatchCommands.Add(Command(
                        "INSERT INTO datacenters (id, region, country, tier, labels) VALUES ($1, $2, $3, $4, $5) " +
                        "ON CONFLICT (id) DO UPDATE SET region = EXCLUDED.region, country = EXCLUDED.country, tier = EXCLUDED.tier, labels = EXCLUDED.labels",
                        Value(d.Id), Value(d.Region), Value(d.Country), Value(d.Tier), TextArray(d.Labels)));
                }
            }

            Record(records, revision, ChangeKind.WrappingKey, deleted.WrappingKeys, changes.UpsertWrappingKeys, w => w.DatacenterId);
            foreach (var w in changes.UpsertWrappingKeys)
            {
                batch.BatchCommands.Add(Command(
                    "INSERT INTO wrapping_keys (datacenter_id, fingerprint, public_key, registered_at) VALUES ($1, $2, $3, $4) " +
                    "ON CONFLICT (datacenter_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, public_key = EXCLUDED.public_key, registered_at = EXCLUDED.registered_at",
                    Value(w.DatacenterId), Value(w.Fingerprint), Value(w.PublicKey), Timestamp(w.RegisteredAt)));
            }

            Record(records, revision, ChangeKind.Policy, deleted.Policies, changes.UpsertPolicies, p => p.Id);
            foreach (var p in changes.UpsertPolicies)
            {
                AddPolicy(batch, p);
            }

            Record(records, revision, ChangeKind.Key, deleted.Keys, changes.UpsertKeys, k => k.KeyId);
            foreach (var k in changes.UpsertKeys)
            {
                AddKey(batch, k);
            }

            batch.BatchCommands.Add(Command(
                "INSERT INTO changes (revision, ordinal, kind, record_id, deleted) " +
                "SELECT $1, c.o - 1, c.kind, c.id, c.deleted FROM unnest($2::text[], $3::text[], $4::boolean[]) WITH ORDINALITY AS c(kind, id, deleted, o)",
                Value(revision),
                TextArray(records.Select(r => r.Kind.ToString())),
                TextArray(records.Select(r => r.Id)),
                Value(records.Select(r => r.Deleted).ToArray())));
            batch.BatchCommands.Add(PostgresAudit.Insert(entry));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await head.AdvanceAsync(connection, transaction, revision, records.Count, retention, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        integrity.Committed(entry);
        return new CommitResult(revision, entry);
    }

    private static void AddPolicy(NpgsqlBatch batch, PolicyRecord p)
    {
        batch.BatchCommands.Add(Command(
            "INSERT INTO policies (id, version, text, author, comment, updated_at, key_generation, permitted_datacenters, control_plane_fingerprint, control_plane_blob) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) " +
            "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, text = EXCLUDED.text, author = EXCLUDED.author, comment = EXCLUDED.comment, " +
            "updated_at = EXCLUDED.updated_at, key_generation = EXCLUDED.key_generation, permitted_datacenters = EXCLUDED.permitted_datacenters, " +
            "control_plane_fingerprint = EXCLUDED.control_plane_fingerprint, control_plane_blob = EXCLUDED.control_plane_blob",
            Value(p.Id), Value(p.Version), Value(p.Text), Value(p.Author), Value(p.Comment), Timestamp(p.UpdatedAt), Value(p.KeyGeneration), TextArray(p.PermittedDatacenters),
            Value(p.ControlPlaneCopy.WrappingKeyFingerprint), Value(p.ControlPlaneCopy.Blob)));
        batch.BatchCommands.Add(Command("DELETE FROM policy_wrapped_keys WHERE policy_id = $1", Value(p.Id)));
        batch.BatchCommands.Add(Command(
            "INSERT INTO policy_wrapped_keys (policy_id, ordinal, datacenter_id, wrapping_key_fingerprint, blob) " +
            "SELECT $1, w.o - 1, w.dc, w.fp, w.blob FROM unnest($2::text[], $3::text[], $4::bytea[]) WITH ORDINALITY AS w(dc, fp, blob, o)",
            Value(p.Id),
            TextArray(p.WrappedKeys.Select(w => w.DatacenterId)),
            TextArray(p.WrappedKeys.Select(w => w.WrappingKeyFingerprint)),
            new NpgsqlParameter { Value = p.WrappedKeys.Select(w => w.Blob).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea }));
    }

    private static void AddKey(NpgsqlBatch batch, ManagedKeyRecord k) => batch.BatchCommands.Add(Command(
        "INSERT INTO keys (key_id, policy_id, version, algorithm, subject_public_key_info, ski, cert_digest, certificate_pem, host_names, " +
        "policy_key_generation, wrapped_private_key, created_at, updated_at, ip_addresses, content_digest) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) " +
        "ON CONFLICT (key_id) DO UPDATE SET policy_id = EXCLUDED.policy_id, version = EXCLUDED.version, algorithm = EXCLUDED.algorithm, " +
        "subject_public_key_info = EXCLUDED.subject_public_key_info, ski = EXCLUDED.ski, cert_digest = EXCLUDED.cert_digest, " +
        "certificate_pem = EXCLUDED.certificate_pem, host_names = EXCLUDED.host_names, policy_key_generation = EXCLUDED.policy_key_generation, " +
        "wrapped_private_key = EXCLUDED.wrapped_private_key, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, " +
        "ip_addresses = EXCLUDED.ip_addresses, content_digest = EXCLUDED.content_digest",
        Value(k.KeyId), Value(k.PolicyId), Value(k.Version), Value(k.Algorithm), Value(k.SubjectPublicKeyInfo), Value(k.Ski),
        Nullable(k.CertDigest, NpgsqlDbType.Bytea), Nullable(k.CertificatePem, NpgsqlDbType.Text), TextArray(k.HostNames),
        Value(k.PolicyKeyGeneration), Value(k.WrappedPrivateKey), Timestamp(k.CreatedAt), Timestamp(k.UpdatedAt),
        Nullable(k.IpAddresses is { } ips ? ips.ToArray() : null, NpgsqlDbType.Array | NpgsqlDbType.Bytea),
        Value(ManagedKeyContent.Digest(k))));

    /// <summary>Change records of one kind: the ids actually deleted, then every upsert in its given order.</summary>
    private static void Record<T>(List<ChangeRecord> records, long revision, ChangeKind kind, IReadOnlyList<string> deleted, ImmutableArray<T> upserts, Func<T, string> idOf)
    {
        foreach (var id in deleted)
        {
            records.Add(new ChangeRecord(revision, kind, id, true));
        }

        foreach (var item in upserts)
        {
            records.Add(new ChangeRecord(revision, kind, idOf(item), false));
        }
    }

    private static async Task<PostgresDeletions> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChangeSet changes, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var topology = changes.ReplaceTopology;
        if (topology is not null)
        {
            batch.BatchCommands.Add(Command("DELETE FROM datacenters WHERE id <> ALL($1) RETURNING id", TextArray(topology.Value.Select(d => d.Id))));
        }

        batch.BatchCommands.Add(Command("DELETE FROM wrapping_keys WHERE datacenter_id = ANY($1) RETURNING datacenter_id", TextArray(changes.DeleteWrappingKeys)));
        batch.BatchCommands.Add(Command("DELETE FROM policies WHERE id = ANY($1) RETURNING id", TextArray(changes.DeletePolicies)));
        batch.BatchCommands.Add(Command("DELETE FROM keys WHERE key_id = ANY($1) RETURNING key_id", TextArray(changes.DeleteKeys)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<HashSet<string>>();
        do
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }

            results.Add(ids);
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

        var offset = topology is null ? 0 : 1;
        return new PostgresDeletions(
            topology is null ? [] : [.. results[0].Order(StringComparer.Ordinal)],
            InRequestOrder(changes.DeleteWrappingKeys, results[offset]),
            InRequestOrder(changes.DeletePolicies, results[offset + 1]),
            InRequestOrder(changes.DeleteKeys, results[offset + 2]));
    }

    /// <summary>The deleted ids in the order the change set listed them, each once (as the snapshot stores report them).</summary>
    private static List<string> InRequestOrder(ImmutableArray<string> requested, HashSet<string> deleted)
    {
        var ordered = new List<string>();
        foreach (var id in requested)
        {
            if (deleted.Remove(id))
            {
                ordered.Add(id);
            }
        }

        return ordered;
    }
}
