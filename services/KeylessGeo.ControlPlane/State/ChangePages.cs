using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// How every follower in the control plane catches up: reads change pages after the revision it
/// has applied (<see cref="IControlPlaneStore.ReadChangedRecordsAsync"/>) and applies each,
/// reading on across pages cut at their maximum, until one brings it to the store's latest
/// revision. Says when only a snapshot can bring it up to date instead.
/// </summary>
internal static class ChangePages
{
    /// <summary>A single revision larger than this many pages is read from a snapshot instead.</summary>
    private const int MaxPageGrowth = 64;

    /// <summary>
    /// Applies the changes after <paramref name="revision"/> to <paramref name="state"/> with
    /// <paramref name="apply"/> (changes, their current records, the revision the result is at).
    /// Between pages the state holds records newer than the revision it is given (the records are
    /// read at each page's latest revision); the last, complete page makes it exact.
    /// </summary>
    public static async Task<CatchUp<T>> CatchUpAsync<T>(
        IControlPlaneStore store, T state, long revision, Func<T, IReadOnlyList<ChangeRecord>, RecordSet, long, T> apply, int pageSize,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var after = revision;
        var size = pageSize;
        while (true)
        {
            var changed = await store.ReadChangedRecordsAsync(after, size, cancellationToken).ConfigureAwait(false);
            var page = changed.Page;
            if (page.LatestRevision < revision)
            {
                return CatchUp<T>.Resync(page.LatestRevision, "the store went back to an older revision (restored?)");
            }

            if (page.Truncated)
            {
                return CatchUp<T>.Resync(page.LatestRevision, "changes not applied yet were dropped from the store's retained change feed");
            }

            if (changed.Complete)
            {
                return CatchUp<T>.Applied(apply(state, page.Changes, changed.Records, page.LatestRevision), page.LatestRevision);
            }

            // Cut at its maximum: read on from before its last revision, which may have been cut.
            var next = page.Changes.Count > 0 ? page.Changes[^1].Revision - 1 : after;
            if (next <= after)
            {
                // One revision fills the whole page: read a bigger one, up to a bound.
                if (size >= pageSize * MaxPageGrowth)
                {
                    return CatchUp<T>.Resync(page.LatestRevision, $"one revision holds more than {size} change records");
                }

                size *= 2;
                continue;
            }

            state = apply(state, page.Changes, changed.Records, revision);
            after = next;
        }
    }
}
