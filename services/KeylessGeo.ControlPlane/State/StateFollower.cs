using System.Diagnostics;
using KeylessGeo.ControlPlane.Store;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.State;

/// <summary>
/// Keeps the control plane's <see cref="ControlPlaneState"/> current by applying the store's change
/// pages (<see cref="IControlPlaneStore.ReadChangedRecordsAsync"/>): each call costs one page read
/// when nothing changed, and in proportion to what changed otherwise. A snapshot is read only to
/// start, when the changes this follower had not applied were dropped from the store's retained
/// feed, when the store went back to an older revision (restored), or when one revision alone is
/// larger than the biggest page this follower reads; it is read a page of keys at a time and the
/// new state built aside (<see cref="StateResync"/>), so memory grows by one page, not by the store.
/// </summary>
/// <remarks>
/// Catch-ups are served one at a time (an async gate, never held by a thread), and
/// <see cref="CurrentAsync"/> gives a state at least as new as the store's latest revision when it
/// was called: a change this process committed is seen by its next read. A re-sync runs on its own,
/// outside the gate: <see cref="CurrentAsync"/> waits for it, while <see cref="ReadableAsync"/>
/// answers from the last state until the new one is swapped in.
/// </remarks>
internal sealed class StateFollower
{
    /// <summary>Change records read per page by default.</summary>
    public const int DefaultPageSize = 1_000;

    /// <summary>Keys read per snapshot page by default (as a keyserver's re-sync).</summary>
    public const int DefaultSnapshotPageSize = 10_000;

    /// <summary>Snapshots read in a row when the store's retained feed keeps dropping the changes made while one was read.</summary>
    private const int MaxSnapshotReads = 3;

    private readonly IControlPlaneStore _store;
    private readonly ILogger _logger;
    private readonly int _pageSize;
    private readonly int _snapshotPageSize;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _sync = new();
    private ControlPlaneState? _state;
    private Task<ControlPlaneState>? _resync;
    private long _resyncs;

    public StateFollower(IControlPlaneStore store, ILogger logger, int pageSize = DefaultPageSize, int snapshotPageSize = DefaultSnapshotPageSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapshotPageSize);
        _store = store;
        _logger = logger;
        _pageSize = pageSize;
        _snapshotPageSize = snapshotPageSize;
    }

    /// <summary>How many times a snapshot was read (the first start included).</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Whether a re-sync from a snapshot is under way.</summary>
    public bool Resyncing
    {
        get
        {
            lock (_sync)
            {
                return _resync is not null;
            }
        }
    }

    /// <summary>The state at the store's latest revision as of this call (waits for a re-sync under way).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be read; the last state stays for the next try.</exception>
    public Task<ControlPlaneState> CurrentAsync(CancellationToken cancellationToken) => FollowAsync(lastDuringResync: false, cancellationToken);

    /// <summary>
    /// For an answer that commits nothing: the state at the store's latest revision as of this call,
    /// except while a re-sync is under way, when it is the last state (its
    /// <see cref="ControlPlaneState.Revision"/> says which), at once. Before the first state, as
    /// <see cref="CurrentAsync"/>.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be read; the last state stays for the next try.</exception>
    public Task<ControlPlaneState> ReadableAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_resync is not null && _state is { } last)
            {
                return Task.FromResult(last);
            }
        }

        return FollowAsync(lastDuringResync: true, cancellationToken);
    }

    private async Task<ControlPlaneState> FollowAsync(bool lastDuringResync, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<ControlPlaneState> resync;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var (known, running) = Read();
                if (running is null && known is not null)
                {
                    if (await CatchUpAsync(known, cancellationToken).ConfigureAwait(false) is { } caughtUp)
                    {
                        lock (_sync)
                        {
                            _state = caughtUp;
                        }

                        return caughtUp;
                    }
                }

                resync = running ?? StartResync();
                if (lastDuringResync && known is not null)
                {
                    return known;
                }
            }
            finally
            {
                _gate.Release();
            }

            // The re-sync is not this caller's: giving up stops the wait, not the re-sync. Then
            // round again, for a state at least as new as this call (one page read when it is).
            await resync.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private (ControlPlaneState? State, Task<ControlPlaneState>? Resync) Read()
    {
        lock (_sync)
        {
            return (_state, _resync);
        }
    }

    /// <summary>
    /// Starts the re-sync (called under the gate, with none under way). It swaps its state in and
    /// clears itself before its waiters resume, so they find the new state on their next round.
    /// </summary>
    private Task<ControlPlaneState> StartResync()
    {
        // Created cold and published before it starts: it clears itself when done, which must
        // come after it was published, however fast the store answers.
        var start = new Task<Task<ControlPlaneState>>(RunResyncAsync);
        var resync = start.Unwrap();
        lock (_sync)
        {
            _resync = resync;
        }

        start.Start(TaskScheduler.Default);
        return resync;
    }

    private async Task<ControlPlaneState> RunResyncAsync()
    {
        try
        {
            var state = await ResyncAsync().ConfigureAwait(false);
            lock (_sync)
            {
                _state = state;
            }

            return state;
        }
        catch (StoreUnavailableException e)
        {
            // The last state stays in force; the next call that needs a new one starts again.
            StateLog.ResyncFailed(_logger, e.Message);
            throw;
        }
        finally
        {
            lock (_sync)
            {
                _resync = null;
            }
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

    /// <summary>
    /// Reads the snapshot a page at a time into a new state, then applies the change feed after
    /// the first page's revision, which brings the records of later pages (and every commit made
    /// meanwhile) to the store's latest revision: the state to swap in. Runs to the end whoever
    /// waits (others may), bounded by the store's own timeouts.
    /// </summary>
    private async Task<ControlPlaneState> ResyncAsync()
    {
        for (var read = 1; ; read++)
        {
            Interlocked.Increment(ref _resyncs);
            var started = Stopwatch.GetTimestamp();
            var resync = await StateResync.ReadAsync(_store, _snapshotPageSize, _pageSize, CancellationToken.None).ConfigureAwait(false);
            var built = resync.Finish();
            StateLog.SnapshotRead(_logger, resync.Revision, resync.LastRevision, resync.Pages, built.PolicyCount, built.KeyCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (await CatchUpAsync(built, CancellationToken.None).ConfigureAwait(false) is { } state)
            {
                StateLog.Synced(_logger, state.Revision, state.PolicyCount, state.KeyCount);
                return state;
            }

            if (read == MaxSnapshotReads)
            {
                throw new StoreUnavailableException(
                    $"the store's retained change feed dropped the changes made while a snapshot was read, {MaxSnapshotReads} times in a row; the next read tries again");
            }
        }
    }
}
