using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Model;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// Validate-then-commit with optimistic concurrency: read a snapshot, let the operation validate
/// everything and build one change, commit it at the snapshot's revision; when another commit came
/// first, read again and redo the whole plan (a few times). A refused operation changes nothing.
/// </summary>
internal sealed class ChangeCommitter
{
    /// <summary>How many times an operation is planned before a conflict is reported.</summary>
    public const int MaxAttempts = 5;

    private readonly IControlPlaneStore _store;
    private readonly ILogger _logger;

    public ChangeCommitter(IControlPlaneStore store, ILogger<ChangeCommitter> logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>Plans against the latest snapshot and commits; see the class remarks.</summary>
    /// <exception cref="ControlPlaneException">The plan refused the operation, the store is unavailable, or conflicts persisted.</exception>
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

            try
            {
                var committed = await _store.CommitAsync(planned.Changes, snapshot.Revision, cancellationToken).ConfigureAwait(false);
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
            catch (StoreUnavailableException ex)
            {
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
}
