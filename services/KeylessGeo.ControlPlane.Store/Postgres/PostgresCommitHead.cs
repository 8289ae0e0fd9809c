using KeylessGeo.ControlPlane.Store.Audit;
using Npgsql;
using static KeylessGeo.ControlPlane.Store.Postgres.PostgresSql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// The revision row as a commit finds it, locked (<c>FOR UPDATE</c>) for the rest of the
/// transaction, with the last audit entry and the database clock read under that lock.
/// </summary>
internal sealed record PostgresCommitHead(long Revision, long TruncatedThrough, long RetainedChanges, DateTimeOffset Now, AuditEntry? LastAudit)
{
    /// <summary>Locks the revision row: concurrent commits queue here, and the loser sees the winner's revision.</summary>
    public static async Task<PostgresCommitHead> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new("SELECT revision, changes_truncated_through, retained_changes, clock_timestamp() FROM store_revision FOR UPDATE"));
        batch.BatchCommands.Add(new(PostgresAudit.SelectColumns + " ORDER BY sequence DESC LIMIT 1"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new StoreUnavailableException("the store_revision row is missing: the PostgreSQL schema is damaged");
        }

        var revision = reader.GetInt64(0);
        var truncatedThrough = reader.GetInt64(1);
        var retained = reader.GetInt64(2);
        var now = reader.GetFieldValue<DateTimeOffset>(3);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var last = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? PostgresAudit.Read(reader) : null;
        return new PostgresCommitHead(revision, truncatedThrough, retained, now, last);
    }

    /// <summary>
    /// Trims the change feed to <paramref name="retention"/> records (whole revisions, oldest
    /// first), moves the revision row to <paramref name="revision"/> and queues the NOTIFY.
    /// </summary>
    public async Task AdvanceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, int added, int retention, CancellationToken cancellationToken)
    {
        var retained = RetainedChanges + added;
        var truncatedThrough = TruncatedThrough;
        if (retained > retention)
        {
            // The revision of the last record that must go: every record up to and including that revision goes.
            await using var find = new NpgsqlCommand("SELECT revision FROM changes ORDER BY revision, ordinal OFFSET $1 LIMIT 1", connection, transaction);
            find.Parameters.Add(Value(retained - retention - 1));
            var cutoff = (long)(await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await using var trim = new NpgsqlCommand("DELETE FROM changes WHERE revision <= $1", connection, transaction);
            trim.Parameters.Add(Value(cutoff));
            retained -= await trim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            truncatedThrough = Math.Max(truncatedThrough, cutoff);
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            "UPDATE store_revision SET revision = $1, changes_truncated_through = $2, retained_changes = $3",
            Value(revision), Value(truncatedThrough), Value(retained)));
        batch.BatchCommands.Add(Command($"SELECT pg_notify('{PostgresCommitter.Channel}', $1)", Value(revision.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
