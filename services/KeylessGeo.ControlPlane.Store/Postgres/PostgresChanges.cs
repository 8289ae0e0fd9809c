using System.Data;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;
using Npgsql;
using static KeylessGeo.ControlPlane.Store.Postgres.PostgresSql;

namespace KeylessGeo.ControlPlane.Store.Postgres;

/// <summary>
/// Reads the <c>changes</c> table, the revision row and the records changes name, each read in
/// one repeatable-read transaction so a page, its latest revision and its records agree.
/// </summary>
internal static class PostgresChanges
{
    public static async Task<ChangePage> ReadAsync(NpgsqlConnection connection, long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var (page, _) = await ReadPageAsync(connection, transaction, afterRevision, maxCount, cancellationToken).ConfigureAwait(false);
        return page;
    }

    /// <summary>The current records of <paramref name="ids"/> and the revision they are at.</summary>
    public static async Task<RecordSet> ReadRecordsAsync(NpgsqlConnection connection, IReadOnlyCollection<RecordId> ids, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var revision = await ReadRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        return await PostgresRecords.ReadByIdAsync(connection, transaction, revision, ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page and the records it names, in one transaction.</summary>
    public static async Task<ChangedRecords> ReadChangedRecordsAsync(NpgsqlConnection connection, long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var (page, more) = await ReadPageAsync(connection, transaction, afterRevision, maxCount, cancellationToken).ConfigureAwait(false);
        var records = await PostgresRecords.ReadByIdAsync(connection, transaction, page.LatestRevision, RetainedChanges.Ids(page.Changes), cancellationToken).ConfigureAwait(false);
        return new ChangedRecords(page, records, !page.Truncated && !more);
    }

    /// <summary>The committed revision, as <paramref name="transaction"/> sees it.</summary>
    public static async Task<long> ReadRevisionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT revision FROM store_revision", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    // One row more than asked for says whether the page stopped at its maximum.
    private static async Task<(ChangePage Page, bool More)> ReadPageAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long afterRevision, int maxCount, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new("SELECT revision, changes_truncated_through FROM store_revision"));
        batch.BatchCommands.Add(Command(
            "SELECT revision, kind, record_id, deleted FROM changes WHERE revision > $1 ORDER BY revision, ordinal LIMIT $2",
            Value(afterRevision), Value((long)maxCount + 1)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var latest = reader.GetInt64(0);
        var truncatedThrough = reader.GetInt64(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var changes = new List<ChangeRecord>();
        var more = false;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (changes.Count == maxCount)
            {
                more = true;
                break;
            }

            changes.Add(new ChangeRecord(reader.GetInt64(0), Enum.Parse<ChangeKind>(reader.GetString(1)), reader.GetString(2), reader.GetBoolean(3)));
        }

        return (new ChangePage(changes, latest, ChangeFeedRetention.IsTruncated(afterRevision, truncatedThrough)), more);
    }
}
