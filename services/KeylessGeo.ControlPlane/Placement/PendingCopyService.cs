using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.ControlPlane.Placement;

/// <summary>
/// Follows the store's change feed and makes the pending copies (<see cref="PendingCopyReconciler"/>)
/// after every change, so a keyserver that registers its datacenter's wrapping key starts serving
/// the keys its datacenter is permitted without an operator step. What is pending is kept by
/// <see cref="PendingCopyFollower"/> from change pages, so a change costs in proportion to what it
/// touched, not to the store. Failures are logged and retried.
/// </summary>
internal sealed partial class PendingCopyService(ControlPlaneServices services, TimeProvider time, ILogger<PendingCopyService> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var follower = new PendingCopyFollower(services.Store, logger);
        long seen = -1;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var index = await follower.CurrentAsync(stoppingToken).ConfigureAwait(false);
                if (index.Revision != seen)
                {
                    // Seen before trying: a copy that cannot be made (say, a malformed registered
                    // key) is logged once and tried again at the next change, not in a loop.
                    seen = index.Revision;
                    foreach (var datacenter in await PendingCopyReconciler.ReconcileAsync(services, index, stoppingToken).ConfigureAwait(false))
                    {
                        Wrapped(logger, datacenter);
                    }
                }

                await services.Store.WaitForChangeAsync(seen, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ControlPlaneException e)
            {
                Failed(logger, e.GetType().Name, e.Message);
            }
            catch (Exception e) when (e is StoreUnavailableException or StoreConflictException)
            {
                Failed(logger, e.GetType().Name, e.Message);
                seen = -1;
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 60, EventName = "PendingCopiesWrapped", Level = LogLevel.Information,
        Message = "Wrapped the policy keys pending for datacenter {Datacenter} to its registered wrapping key")]
    private static partial void Wrapped(ILogger logger, string datacenter);

    [LoggerMessage(EventId = 61, EventName = "PendingCopiesFailed", Level = LogLevel.Warning,
        Message = "Could not wrap pending policy-key copies ({Error}: {Message}); retrying")]
    private static partial void Failed(ILogger logger, string error, string message);
}
