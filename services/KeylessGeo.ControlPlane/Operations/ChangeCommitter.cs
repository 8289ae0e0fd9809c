using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Integrity;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// Validate-then-commit with optimistic concurrency: read a snapshot, let the operation validate
/// everything and build one change, commit it at the snapshot's revision; when another commit came
/// first, read again and redo the whole plan (a few times). A refused operation changes nothing.
/// Every change passes <see cref="ChangeLimits"/> here, and every commit's outcome is recorded in
/// <see cref="CommitHealth"/> for the readiness probe.
/// </summary>
internal sealed class ChangeCommitter
{
    /// <summary>How many times an operation is planned before a conflict is reported.</summary>
    public const int MaxAttempts = 5;

    private readonly IControlPlaneStore _store;
    private readonly CommitHealth _health;
    private readonly ControlPlaneLimits _limits;
    private readonly ILogger _logger;

    public ChangeCommitter(IControlPlaneStore store, CommitHealth health, ControlPlaneLimits limits, ILogger<ChangeCommitter> logger)
    {
        _store = store;
        _health = health;
        _limits = limits;
        _logger = logger;
    }

    /// <summary>Plans against the latest snapshot and commits; see the class remarks.</summary>
    /// <exception cref="ControlPlaneException">The plan refused the operation, a limit would be crossed, the store is unavailable or damaged, or conflicts persisted.</exception>
    public async Task<T> RunAsync<T>(string operation, Func<ControlPlaneSnapshot, Plan<T>> plan, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var planned = plan(snapshot);
            if (planned.Changes is null)
            {
                return planned.Result(snapshot.Revision);
            }

            ChangeLimits.Check(operation, snapshot, planned.Changes, _limits);
            try
            {
                var committed = await _store.CommitAsync(planned.Changes, snapshot.Revision, cancellationToken).ConfigureAwait(false);
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
                throw new ControlPlaneException(ErrorKind.Conflict, ErrorCodes.ConcurrentChange,
                    $"{operation}: the store changed {MaxAttempts} times while this change was prepared (last at revision {ex.ActualRevision}); nothing was applied, try again");
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

    /// <summary>Reads the latest snapshot, mapping store outages to a 503.</summary>
    public async Task<ControlPlaneSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _store.ReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
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
}
