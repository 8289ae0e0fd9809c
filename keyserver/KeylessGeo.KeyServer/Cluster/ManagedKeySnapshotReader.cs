using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>
/// Reads a snapshot a page at a time into a re-sync (<see cref="ManagedKeyApplier.BeginSnapshot"/>),
/// with the next page's read in flight while the current page is decided and indexed: the store's
/// work (a database query, rows read off the socket and turned into records) runs beside the
/// keyserver's, not before it. At most two pages are held at once. The set is not swapped in here
/// (<see cref="ManagedKeyApplier.ApplySnapshot(ManagedKeyResync)"/>).
/// </summary>
internal static class ManagedKeySnapshotReader
{
    /// <summary>
    /// Reads every page through <paramref name="readPage"/> (the key id to start after, null for the
    /// first page) and adds it to a re-sync begun on the first page.
    /// </summary>
    public static async Task<ManagedKeyResync> ReadAsync(
        ManagedKeyApplier applier, Func<string?, CancellationToken, Task<SnapshotPage>> readPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applier);
        ArgumentNullException.ThrowIfNull(readPage);
        var page = await readPage(null, cancellationToken).ConfigureAwait(false);
        var resync = applier.BeginSnapshot(page);
        while (true)
        {
            var next = page.More ? readPage(page.LastKeyId, cancellationToken) : null;
            try
            {
                resync.Add(page);
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
