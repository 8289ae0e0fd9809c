using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Reads a snapshot a page at a time into a re-sync (<see cref="ManagedKeyApplier.BeginSnapshot"/>,
/// <see cref="ManagedKeyResync.Add"/>), with the next page in flight while the current one is
/// decided and indexed: its read (a database query, rows turned into records) and, with
/// <c>prepareAhead</c>, the facts each record gives alone (digests, what its public key says;
/// <see cref="ManagedKeyPrepared"/>) run on another thread beside the indexing, not before it. At
/// most two pages are held at once, and the store sees one read at a time, as before. The set is
/// not swapped in here.
/// </summary>
internal static class ManagedKeySnapshotReader
{
    /// <summary>
    /// Reads every page through <paramref name="readPage"/> (the key id to start after, null for the
    /// first page), begins the re-sync on the first page and adds each page to it in order, with the
    /// page's prepared facts when <paramref name="prepareAhead"/> (null otherwise).
    /// </summary>
    public static async Task<TResync> ReadAsync<TResync>(
        Func<string?, CancellationToken, Task<SnapshotPage>> readPage, Func<SnapshotPage, TResync> begin, Action<TResync, SnapshotPage, ManagedKeyPrepared[]?> add,
        bool prepareAhead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readPage);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(add);
        var (page, prepared) = await ReadPageAsync(readPage, null, prepareAhead, cancellationToken).ConfigureAwait(false);
        var resync = begin(page);
        while (true)
        {
            var next = page.More ? ReadPageAsync(readPage, page.LastKeyId, prepareAhead, cancellationToken) : null;
            try
            {
                add(resync, page, prepared);
            }
            catch
            {
                // The read already started must not fail unobserved; this failure is the one reported.
                if (next is not null)
                {
                    await next.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                        .ConfigureAwait(false);
                }

                throw;
            }

            if (next is null)
            {
                return resync;
            }

            (page, prepared) = await next.ConfigureAwait(false);
        }
    }

    private static async Task<(SnapshotPage Page, ManagedKeyPrepared[]? Prepared)> ReadPageAsync(
        Func<string?, CancellationToken, Task<SnapshotPage>> readPage, string? afterKeyId, bool prepareAhead, CancellationToken cancellationToken)
    {
        var page = await readPage(afterKeyId, cancellationToken).ConfigureAwait(false);
        if (!prepareAhead)
        {
            return (page, null);
        }

        // On the thread pool even when the store answered at once (in-process): never on the indexing thread.
        var prepared = await Task.Run(() => ManagedKeyPrepared.Of(page.Keys), cancellationToken).ConfigureAwait(false);
        return (page, prepared);
    }
}
