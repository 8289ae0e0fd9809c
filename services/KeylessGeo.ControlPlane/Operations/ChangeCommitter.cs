using System.Collections.Immutable;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// Validate-then-commit with optimistic concurrency: bring the control plane's state up to the
/// store's latest revision (<see cref="StateFollower"/>: by change pages, not snapshots), read the
/// whole records of the keys the operation names at that same revision, let the operation
/// validate everything and build one change, and commit it at that revision; when another commit
/// came first, catch up and redo the whole plan (a few times). A refused operation changes nothing.
/// Every change passes <see cref="ChangeLimits"/> here, and every commit's outcome is recorded in
/// <see cref="CommitHealth"/> for the readiness probe.
/// </summary>
internal sealed class ChangeCommitter
{
    /// <summary>How many times an operation is planned before a conflict is reported.</summary>
    public const int MaxAttempts = 5;

    private static readonly Func<ControlPlaneState, IEnumerable<string>> NoKeys = static _ => [];

    private readonly IControlPlaneStore _store;
    private readonly StateFollower _follower;
    private readonly CommitHealth _health;
    private readonly ControlPlaneLimits _limits;
    private readonly ILogger _logger;

    public ChangeCommitter(IControlPlaneStore store, StateFollower follower, CommitHealth health, ControlPlaneLimits limits, ILogger<ChangeCommitter> logger)
    {
        _store = store;
        _follower = follower;
        _health = health;
        _limits = limits;
        _logger = logger;
    }

    /// <summary>Plans against the latest state (no key read whole) and commits; see the class remarks.</summary>
    public Task<T> RunAsync<T>(string operation, Func<StateView, Plan<T>> plan, CancellationToken cancellationToken) =>
        RunAsync(operation, NoKeys, plan, cancellationToken);

    /// <summary>
    /// Plans against the latest state with the whole records of the keys <paramref name="keys"/>
    /// names (ids that do not exist are left out) and commits; see the class remarks.
    /// </summary>
    /// <exception cref="ControlPlaneException">The plan refused the operation, a limit would be crossed, the store is unavailable or damaged, or conflicts persisted.</exception>
    public async Task<T> RunAsync<T>(
        string operation, Func<ControlPlaneState, IEnumerable<string>> keys, Func<StateView, Plan<T>> plan, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var view = await ReadAsync(operation, keys, cancellationToken).ConfigureAwait(false);
            var planned = plan(view);
            if (planned.Changes is null)
            {
                return planned.Result(view.Revision);
            }

            ChangeLimits.Check(operation, view.State, planned.Changes, _limits);
            try
            {
                var committed = await _store.CommitAsync(planned.Changes, view.Revision, cancellationToken).ConfigureAwait(false);
                _health.Succeeded();
                ControlPlaneLog.Committed(_logger, planned.Changes.Audit.Action, planned.Changes.Audit.Subject, planned.Changes.Audit.Actor, committed.Revision);
                return planned.Result(committed.Revision);
            }
            catch (StoreConflictException ex) when (attempt < MaxAttempts)
            {
                ControlPlaneLog.Retrying(_logger, operation, ex.ExpectedRevision, ex.ActualRevision, attempt);
            }
            catch (StoreConflictException ex)
            {
                throw ConcurrentChange(operation, ex.ActualRevision);
            }
            catch (StoreIntegrityException ex)
            {
                _health.Failed(operation, ErrorCodes.StoreIntegrity, ex.Message);
                throw Damaged(operation, ex);
            }
            catch (StoreUnavailableException ex)
            {
                _health.Failed(operation, ErrorCodes.StoreUnavailable, ex.Message);
                throw Unavailable(operation, ex);
            }
        }
    }

    /// <summary>
    /// For an answer that commits nothing: the state at the store's latest revision, or the last
    /// state while a re-sync from a snapshot is under way (<see cref="StateFollower.ReadableAsync"/>),
    /// mapping store outages to a 503.
    /// </summary>
    public async Task<ControlPlaneState> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _follower.ReadableAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            throw Unavailable("reading the control-plane state", ex);
        }
    }

    /// <summary>
    /// The latest state with the whole records of the keys <paramref name="keys"/> names, read by
    /// id at the state's revision (when a commit lands in between, the state catches up and the
    /// keys are read again, a few times).
    /// </summary>
    public async Task<StateView> ReadAsync(string operation, Func<ControlPlaneState, IEnumerable<string>> keys, CancellationToken cancellationToken)
    {
        try
        {
            for (var round = 1; ; round++)
            {
                var state = await _follower.CurrentAsync(cancellationToken).ConfigureAwait(false);
                var ids = keys(state).Distinct(StringComparer.Ordinal).Where(id => state.TryGetKey(id, out _)).Select(id => new RecordId(ChangeKind.Key, id)).ToList();
                if (ids.Count == 0)
                {
                    return new StateView(state, ImmutableDictionary<string, ManagedKeyRecord>.Empty);
                }

                var records = await _store.ReadRecordsAsync(ids, cancellationToken).ConfigureAwait(false);
                if (records.Revision == state.Revision)
                {
                    return new StateView(state, records.Keys.ToImmutableDictionary(k => k.KeyId, StringComparer.Ordinal));
                }

                if (round == MaxAttempts)
                {
                    throw ConcurrentChange(operation, records.Revision);
                }
            }
        }
        catch (StoreUnavailableException ex)
        {
            throw Unavailable("reading the control-plane state", ex);
        }
    }

    /// <summary>The exception for a store outage.</summary>
    public static ControlPlaneException Unavailable(string operation, StoreUnavailableException ex) =>
        new(ErrorKind.Unavailable, ErrorCodes.StoreUnavailable, $"{operation}: the control-plane store is unavailable ({ex.Message}); nothing was applied, try again");

    /// <summary>The exception for a store that refuses commits because it was damaged: one error per problem, named by its file or table.</summary>
    public static ControlPlaneException Damaged(string operation, StoreIntegrityException ex) =>
        new(ErrorKind.Unavailable, ErrorCodes.StoreIntegrity,
            $"{operation}: {ex.Message}",
            ex.Problems.Select(p => new FieldError(p.Location, p.Message, Code: p.Code)));

    private static ControlPlaneException ConcurrentChange(string operation, long revision) =>
        new(ErrorKind.Conflict, ErrorCodes.ConcurrentChange,
            $"{operation}: the store changed {MaxAttempts} times while this change was prepared (last at revision {revision}); nothing was applied, try again");
}
