using System.Data;
using KeylessGeo.ControlPlane.Store.Changes;
using Npgsql;
using static KeylessGeo.ControlPlane.Store.Postgres.PostgresSql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>Reads the <c>changes</c> table and the revision row in one repeatable-read transaction, so a page and its latest revision agree.</summary>
internal static class PostgresChanges
{
    public static async Task<ChangePage> ReadAsync(NpgsqlConnection connection, long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new("SELECT revision, changes_truncated_through FROM store_revision"));
        batch.BatchCommands.Add(Command(
            "SELECT revision, kind, record_id, deleted FROM changes WHERE revision > $1 ORDER BY revision, ordinal LIMIT $2",
            Value(afterRevision), Value(maxCount)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var latest = reader.GetInt64(0);
        var truncatedThrough = reader.GetInt64(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var changes = new List<ChangeRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            changes.Add(new ChangeRecord(reader.GetInt64(0), Enum.Parse<ChangeKind>(reader.GetString(1)), reader.GetString(2), reader.GetBoolean(3)));
        }

        return new ChangePage(changes, latest, ChangeFeedRetention.IsTruncated(afterRevision, truncatedThrough));
    }
}
