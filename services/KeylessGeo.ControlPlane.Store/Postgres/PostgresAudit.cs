using KeylessGeo.ControlPlane.Store.Audit;
using Npgsql;
using static KeylessGeo.ControlPlane.Store.Postgres.PostgresSql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>The <c>audit_log</c> table: rows to entries and back, exactly (timestamps are whole milliseconds).</summary>
internal static class PostgresAudit
{
    /// <summary>A SELECT of every column in <see cref="Read"/>'s order.</summary>
    public const string SelectColumns =
        "SELECT sequence, revision, occurred_at, actor, action, subject, details, previous_hash, hash FROM audit_log";

    /// <summary>The INSERT of <paramref name="entry"/>.</summary>
    public static NpgsqlBatchCommand Insert(AuditEntry entry) => Command(
        "INSERT INTO audit_log (sequence, revision, occurred_at, actor, action, subject, details, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        Value(entry.Sequence), Value(entry.Revision), Timestamp(entry.Timestamp), Value(entry.Actor), Value(entry.Action),
        Value(entry.Subject), Value(entry.Details), Value(entry.PreviousHash), Value(entry.Hash));

    /// <summary>The entry in the reader's current row (columns as <see cref="SelectColumns"/>).</summary>
    public static AuditEntry Read(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Revision = reader.GetInt64(1),
        Timestamp = reader.GetFieldValue<DateTimeOffset>(2),
        Actor = reader.GetString(3),
        Action = reader.GetString(4),
        Subject = reader.GetString(5),
        Details = reader.GetString(6),
        PreviousHash = reader.GetFieldValue<byte[]>(7),
        Hash = reader.GetFieldValue<byte[]>(8),
    };

    /// <summary>
    /// Entries with <paramref name="fromSequence"/> ≤ sequence ≤ <paramref name="throughSequence"/>,
    /// oldest first, at most <paramref name="maxCount"/>; inside <paramref name="transaction"/> when given.
    /// </summary>
    public static async Task<List<AuditEntry>> ReadRangeAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, long fromSequence, long throughSequence, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectColumns + " WHERE sequence >= $1 AND sequence <= $2 ORDER BY sequence LIMIT $3", connection, transaction);
        command.Parameters.Add(Value(fromSequence));
        command.Parameters.Add(Value(throughSequence));
        command.Parameters.Add(Value(maxCount));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }
}
