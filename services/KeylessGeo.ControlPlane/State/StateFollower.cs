using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// Keeps the control plane's <see cref="ControlPlaneState"/> current by applying the store's change
/// pages (<see cref="IControlPlaneStore.ReadChangedRecordsAsync"/>): each call costs one page read
/// when nothing changed, and in proportion to what changed otherwise. A whole snapshot is read only
/// to start, when the changes this follower had not applied were dropped from the store's
/// retained feed, when the store went back to an older revision (restored), or when one revision
/// alone is larger than the biggest page this follower reads.
/// </summary>
/// <remarks>
/// Callers are served one at a time (an async gate, never held by a thread), and each gets a state
/// at least as new as the store's latest revision when it called: a change this process committed
/// is seen by its next read.
/// </remarks>
internal sealed class StateFollower
{
    /// <summary>Change records read per page by default.</summary>
    public const int DefaultPageSize = 1_000;

    private readonly IControlPlaneStore _store;
    private readonly ILogger _logger;
    private readonly int _pageSize;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ControlPlaneState? _state;
    private long _resyncs;

    public StateFollower(IControlPlaneStore store, ILogger logger, int pageSize = DefaultPageSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        _store = store;
        _logger = logger;
        _pageSize = pageSize;
    }

    /// <summary>How many times a whole snapshot was read (the first start included).</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>The state at the store's latest revision as of this call (callers are served in turn).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be read; the last state stays for the next try.</exception>
    public async Task<ControlPlaneState> CurrentAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = _state is { } known ? await CatchUpAsync(known, cancellationToken).ConfigureAwait(false) : null;
            state ??= await ResyncAsync(cancellationToken).ConfigureAwait(false);
            _state = state;
            return state;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// <paramref name="state"/> brought up to the store's latest revision by change pages, or null
    /// when only a snapshot can (the reason is logged).
    /// </summary>
    private async Task<ControlPlaneState?> CatchUpAsync(ControlPlaneState state, CancellationToken cancellationToken)
    {
        var caughtUp = await ChangePages.CatchUpAsync(_store, state, state.Revision, static (s, changes, records, revision) => s.Apply(changes, records, revision), _pageSize, cancellationToken)
            .ConfigureAwait(false);
        if (caughtUp.ResyncReason is { } reason)
        {
            StateLog.Resync(_logger, state.Revision, caughtUp.Latest, reason);
        }

        return caughtUp.State;
    }

    private async Task<ControlPlaneState> ResyncAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _resyncs);
        var snapshot = await _store.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
        var (retained, truncated) = await ReadHistoryAsync(snapshot.Revision, cancellationToken).ConfigureAwait(false);
        var state = ControlPlaneState.FromSnapshot(snapshot).WithHistory(retained, truncated);
        StateLog.Synced(_logger, state.Revision, state.PolicyCount, state.KeyCount);
        return state;
    }

    /// <summary>The retained change feed up to <paramref name="revision"/>: bounded by the store's retention, read once per re-sync.</summary>
    private async Task<(List<ChangeRecord> Retained, bool Truncated)> ReadHistoryAsync(long revision, CancellationToken cancellationToken)
    {
        var retained = new List<ChangeRecord>();
        var truncated = false;
        long after = 0;
        var pageSize = _pageSize;
        while (after < revision)
        {
            var page = await _store.ReadChangesAsync(after, pageSize, cancellationToken).ConfigureAwait(false);
            truncated |= after == 0 && page.Truncated;
            if (page.Changes.Count < pageSize)
            {
                retained.AddRange(page.Changes);
                break;
            }

            // Pages end on any record: keep the revisions seen whole and read on from there (one
            // revision filling the page is read again with a bigger one).
            var next = page.Changes[^1].Revision - 1;
            if (next <= after)
            {
                pageSize *= 2;
                continue;
            }

            retained.AddRange(page.Changes.Where(c => c.Revision <= next));
            after = next;
        }

        return (retained, truncated);
    }
}
