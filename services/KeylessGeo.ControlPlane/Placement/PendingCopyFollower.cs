using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>
/// Keeps a <see cref="PendingCopyIndex"/> current: a snapshot's first page to start (every
/// wrapping key and policy, and one key, unused: <see cref="IControlPlaneStore.ReadSnapshotPageAsync"/>),
/// then change pages (<see cref="ChangePages"/>); that first page again only when the store's
/// retained feed no longer reaches back to the index's revision, or the store went back to an
/// older revision. Used by one caller at a time (the pending-copy service).
/// </summary>
internal sealed class PendingCopyFollower
{
    private readonly IControlPlaneStore _store;
    private readonly ILogger _logger;
    private readonly int _pageSize;
    private PendingCopyIndex? _index;

    public PendingCopyFollower(IControlPlaneStore store, ILogger logger, int pageSize = StateFollower.DefaultPageSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        _store = store;
        _logger = logger;
        _pageSize = pageSize;
    }

    /// <summary>How many times a snapshot's first page was read (the first start included).</summary>
    public int Resyncs { get; private set; }

    /// <summary>The index at the store's latest revision.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be read; the next call tries again.</exception>
    public async Task<PendingCopyIndex> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_index is { } index)
        {
            // A read failing part-way leaves records newer than the index's revision in places;
            // reading on from that revision again overwrites every one of them, so it converges.
            var caughtUp = await ChangePages.CatchUpAsync(_store, index, index.Revision, static (i, changes, records, revision) => i.Apply(changes, records, revision), _pageSize, cancellationToken)
                .ConfigureAwait(false);
            if (caughtUp.ResyncReason is { } reason)
            {
                StateLog.Resync(_logger, index.Revision, caughtUp.Latest, reason);
            }

            _index = caughtUp.State;
        }

        if (_index is null)
        {
            // The first page carries every wrapping key and policy, all the index is made of: one
            // key is the least a page holds, and the keys are never read.
            Resyncs++;
            _index = PendingCopyIndex.FromFirstPage(await _store.ReadSnapshotPageAsync(null, 1, cancellationToken).ConfigureAwait(false));
        }

        return _index;
    }
}
