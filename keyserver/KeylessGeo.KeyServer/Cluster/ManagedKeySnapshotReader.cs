using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Reads a snapshot a page at a time into a re-sync (<see cref="ManagedKeyApplier.BeginSnapshot"/>,
/// <see cref="ManagedKeyResync.Add"/>), with the next page's read in flight while the current page
/// is decided and indexed: the store's work (a database query, rows read off the socket and turned
/// into records) runs beside the keyserver's, not before it. At most two pages are held at once,
/// and the store sees one read at a time, as before. The set is not swapped in here.
/// </summary>
internal static class ManagedKeySnapshotReader
{
    /// <summary>
    /// Reads every page through <paramref name="readPage"/> (the key id to start after, null for the
    /// first page), begins the re-sync on the first page and adds each page to it in order.
    /// </summary>
    public static async Task<TResync> ReadAsync<TResync>(
        Func<string?, CancellationToken, Task<SnapshotPage>> readPage, Func<SnapshotPage, TResync> begin, Action<TResync, SnapshotPage> add,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readPage);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(add);
        var page = await readPage(null, cancellationToken).ConfigureAwait(false);
        var resync = begin(page);
        while (true)
        {
            var next = page.More ? readPage(page.LastKeyId, cancellationToken) : null;
            try
            {
                add(resync, page);
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

            page = await next.ConfigureAwait(false);
        }
    }
}
