using System.Collections.Immutable;
using System.Data;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using Npgsql;
using static KeylessGeo.ControlPlane.Store.Postgres.PostgresSql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// Reads records, all of them (a snapshot) or only those with given ids (the change feed's
/// deltas), inside the caller's transaction: five queries in one batch, mapped to records sorted
/// by id. By id, each query is a primary-key lookup, so the cost follows the ids asked for.
/// </summary>
internal static class PostgresRecords
{
    private const string DatacenterColumns = "SELECT id, region, country, tier, labels FROM datacenters";
    private const string WrappingKeyColumns = "SELECT datacenter_id, fingerprint, public_key, registered_at FROM wrapping_keys";
    private const string PolicyColumns =
        "SELECT id, version, text, author, comment, updated_at, key_generation, permitted_datacenters, control_plane_fingerprint, control_plane_blob FROM policies";
    private const string WrappedKeyColumns = "SELECT policy_id, datacenter_id, wrapping_key_fingerprint, blob FROM policy_wrapped_keys";
    private const string KeyColumns =
        "SELECT key_id, policy_id, version, algorithm, subject_public_key_info, ski, cert_digest, certificate_pem, host_names, " +
        "policy_key_generation, wrapped_private_key, created_at, updated_at, ip_addresses, content_digest FROM keys";

    // A key index page (ReadKeyIndexPageAsync) in the same column order, without the bulky columns:
    // the certificate only for a row without recorded IP addresses (its reader parses it for them),
    // and both only for a row without a content digest (written before migration 0004: the digest is
    // computed from them here, then they are dropped).
    private const string KeyIndexColumns =
        "SELECT key_id, policy_id, version, algorithm, subject_public_key_info, ski, cert_digest, " +
        "CASE WHEN ip_addresses IS NULL OR content_digest IS NULL THEN certificate_pem END, host_names, " +
        "policy_key_generation, CASE WHEN content_digest IS NULL THEN wrapped_private_key END, created_at, updated_at, ip_addresses, content_digest FROM keys";

    /// <summary>Every record, read in <paramref name="transaction"/>.</summary>
    public static Task<RecordSet> ReadAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new(DatacenterColumns));
        batch.BatchCommands.Add(new(WrappingKeyColumns));
        batch.BatchCommands.Add(new(PolicyColumns));
        batch.BatchCommands.Add(new(WrappedKeyColumns + " ORDER BY policy_id, ordinal"));
        batch.BatchCommands.Add(new(KeyColumns));
        return ReadAsync(batch, revision, indexOnly: false, cancellationToken);
    }

    /// <summary>The records of <paramref name="ids"/> that exist, read in <paramref name="transaction"/>.</summary>
    public static Task<RecordSet> ReadByIdAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IEnumerable<RecordId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var byKind = new Dictionary<ChangeKind, HashSet<string>>();
        foreach (var id in ids)
        {
            ArgumentNullException.ThrowIfNull(id.Id, nameof(ids));
            if (!Enum.IsDefined(id.Kind))
            {
                throw new ArgumentException($"record kind {id.Kind} of '{id.Id}' is not a kind the store holds", nameof(ids));
            }

            if (!byKind.TryGetValue(id.Kind, out var set))
            {
                byKind[id.Kind] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(id.Id);
        }

        string[] Of(ChangeKind kind) => byKind.TryGetValue(kind, out var set) ? [.. set] : [];
        var policies = Of(ChangeKind.Policy);
        var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(DatacenterColumns + " WHERE id = ANY($1)", TextArray(Of(ChangeKind.Datacenter))));
        batch.BatchCommands.Add(Command(WrappingKeyColumns + " WHERE datacenter_id = ANY($1)", TextArray(Of(ChangeKind.WrappingKey))));
        batch.BatchCommands.Add(Command(PolicyColumns + " WHERE id = ANY($1)", TextArray(policies)));
        batch.BatchCommands.Add(Command(WrappedKeyColumns + " WHERE policy_id = ANY($1) ORDER BY policy_id, ordinal", TextArray(policies)));
        batch.BatchCommands.Add(Command(KeyColumns + " WHERE key_id = ANY($1)", TextArray(Of(ChangeKind.Key))));
        return ReadAsync(batch, revision, indexOnly: false, cancellationToken);
    }

    /// <summary>
    /// One snapshot page (see <see cref="IControlPlaneStore.ReadSnapshotPageAsync"/>) in one
    /// repeatable-read transaction: the keys after <paramref name="afterKeyId"/> in ordinal order
    /// (<c>COLLATE "C"</c>, served by the index of migration 0003), one row more than asked for to
    /// say whether there are more; the first page also reads topology, wrapping keys and policies.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="afterKeyId">The key id the page starts after; null for the first page.</param>
    /// <param name="maxKeys">The most keys the page holds.</param>
    /// <param name="indexOnly">True for a key index page (<see cref="IControlPlaneStore.ReadKeyIndexPageAsync"/>): the bulky columns are not read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<SnapshotPage> ReadPageAsync(
        NpgsqlConnection connection, string? afterKeyId, int maxKeys, bool indexOnly, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var revision = await PostgresChanges.ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var first = afterKeyId is null;
        var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new(DatacenterColumns + (first ? "" : " WHERE false")));
        batch.BatchCommands.Add(new(WrappingKeyColumns + (first ? "" : " WHERE false")));
        batch.BatchCommands.Add(new(PolicyColumns + (first ? "" : " WHERE false")));
        batch.BatchCommands.Add(new(WrappedKeyColumns + (first ? "" : " WHERE false") + " ORDER BY policy_id, ordinal"));
        var columns = indexOnly ? KeyIndexColumns : KeyColumns;
        batch.BatchCommands.Add(first
            ? Command(columns + " ORDER BY key_id COLLATE \"C\" LIMIT $1", Value((long)maxKeys + 1))
            : Command(columns + " WHERE key_id COLLATE \"C\" > $1 ORDER BY key_id COLLATE \"C\" LIMIT $2", Value(afterKeyId!), Value((long)maxKeys + 1)));
        var records = await ReadAsync(batch, revision, indexOnly, cancellationToken).ConfigureAwait(false);
        var more = records.Keys.Length > maxKeys;
        return new SnapshotPage
        {
            Revision = revision,
            KeyCountHint = first ? await EstimateKeyCountAsync(connection, transaction, records.Keys.Length, more, cancellationToken).ConfigureAwait(false) : 0,
            Datacenters = records.Datacenters,
            WrappingKeys = records.WrappingKeys,
            Policies = records.Policies,
            Keys = more ? records.Keys[..maxKeys] : records.Keys,
            More = more,
        };
    }

    // The planner's estimate (pg_class.reltuples, no scan): a count(*) would read every row to size
    // what the reader builds. A first page that holds every key is its own exact count.
    private static async Task<long> EstimateKeyCountAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int firstPageKeys, bool more, CancellationToken cancellationToken)
    {
        if (!more)
        {
            return firstPageKeys;
        }

        await using var command = new NpgsqlCommand("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = 'keys'::regclass", connection, transaction);
        var estimate = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Math.Max(estimate is long value ? value : 0, firstPageKeys);
    }

    private static async Task<RecordSet> ReadAsync(NpgsqlBatch batch, long revision, bool indexOnly, CancellationToken cancellationToken)
    {
        await using (batch.ConfigureAwait(false))
        {
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var datacenters = await ReadRowsAsync(reader, ReadDatacenter, cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var wrappingKeys = await ReadRowsAsync(reader, ReadWrappingKey, cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var policies = await ReadRowsAsync(reader, ReadPolicy, cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var wrapped = await ReadRowsAsync(reader, ReadWrappedKey, cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var keys = await ReadRowsAsync<ManagedKeyRecord>(reader, indexOnly ? ReadIndexKey : ReadKey, cancellationToken).ConfigureAwait(false);

                var wrappedByPolicy = wrapped.ToLookup(w => w.PolicyId, w => w.Key, StringComparer.Ordinal);
                return new RecordSet
                {
                    Revision = revision,
                    Datacenters = Sorted(datacenters, d => d.Id),
                    WrappingKeys = Sorted(wrappingKeys, w => w.DatacenterId),
                    Policies = Sorted(policies.Select(p => p with { WrappedKeys = [.. wrappedByPolicy[p.Id]] }), p => p.Id),
                    Keys = Sorted(keys, k => k.KeyId),
                };
            }
        }
    }

    private static DatacenterRecord ReadDatacenter(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Region = r.GetString(1),
        Country = r.GetString(2),
        Tier = r.GetString(3),
        Labels = [.. r.GetFieldValue<string[]>(4)],
    };

    private static WrappingKeyRecord ReadWrappingKey(NpgsqlDataReader r) => new()
    {
        DatacenterId = r.GetString(0),
        Fingerprint = r.GetString(1),
        PublicKey = r.GetFieldValue<byte[]>(2),
        RegisteredAt = r.GetFieldValue<DateTimeOffset>(3),
    };

    private static PolicyRecord ReadPolicy(NpgsqlDataReader r) => new()
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
    };

    private static (string PolicyId, WrappedPolicyKey Key) ReadWrappedKey(NpgsqlDataReader r) => (r.GetString(0), new WrappedPolicyKey
    {
        DatacenterId = r.GetString(1),
        WrappingKeyFingerprint = r.GetString(2),
        Blob = r.GetFieldValue<byte[]>(3),
    });

    // A row written before migration 0004 has no content digest: computed from the row's bulky columns.
    private static ManagedKeyRecord ReadKey(NpgsqlDataReader r) => ManagedKeyContent.WithDigest(ReadKeyRow(r));

    // As ReadKey, from KeyIndexColumns: the bulky columns come only with a row that needs them, and leave once used.
    private static ManagedKeyRecord ReadIndexKey(NpgsqlDataReader r) => ManagedKeyContent.IndexForm(ReadKeyRow(r));

    private static ManagedKeyRecord ReadKeyRow(NpgsqlDataReader r) => new()
    {
        KeyId = r.GetString(0),
        PolicyId = r.GetString(1),
        Version = r.GetInt32(2),
        Algorithm = r.GetString(3),
        SubjectPublicKeyInfo = r.GetFieldValue<byte[]>(4),
        Ski = r.GetFieldValue<byte[]>(5),
        CertDigest = r.IsDBNull(6) ? null : r.GetFieldValue<byte[]>(6),
        CertificatePem = r.IsDBNull(7) ? null : r.GetString(7),
        // The array read is this record's own: wrapped, not copied.
        HostNames = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(r.GetFieldValue<string[]>(8)),
        PolicyKeyGeneration = r.GetInt32(9),
        WrappedPrivateKey = r.IsDBNull(10) ? [] : r.GetFieldValue<byte[]>(10),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(11),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(12),
        IpAddresses = r.IsDBNull(13) ? null : Addresses(r.GetFieldValue<byte[][]>(13)),
        ContentDigest = r.IsDBNull(14) ? null : r.GetFieldValue<byte[]>(14),
    };

    // Most keys have none: the shared empty array, not one per row (a keyserver holds them for every key).
    private static ImmutableArray<byte[]> Addresses(byte[][] addresses) =>
        addresses.Length == 0 ? [] : System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(addresses);

    private static async Task<List<T>> ReadRowsAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(read(reader));
        }

        return items;
    }

    // Sorted here, not by ORDER BY: the contract is ordinal order, whatever the database collation.
    // Rows a query already returned in that order (a snapshot page's keys) are taken as they are.
    private static ImmutableArray<T> Sorted<T>(IEnumerable<T> items, Func<T, string> idOf)
    {
        if (items is List<T> list && InOrder(list, idOf))
        {
            return [.. list];
        }

        return [.. items.OrderBy(idOf, StringComparer.Ordinal)];
    }

    private static bool InOrder<T>(List<T> items, Func<T, string> idOf)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (string.CompareOrdinal(idOf(items[i - 1]), idOf(items[i])) > 0)
            {
                return false;
            }
        }

        return true;
    }
}
