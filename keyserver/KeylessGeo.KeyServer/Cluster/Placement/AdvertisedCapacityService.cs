using KeylessGeo.ControlPlane.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster.Placement;

/// <summary>
/// Reads the keyservers' advertisements from the control-plane store every lease renewal
/// interval, so placement weighs silos by their measured capacity. A failing store keeps the
/// last view (placement then weighs by what it knew, or equally).
/// </summary>
internal sealed class AdvertisedCapacityService(
    IControlPlaneStore store, AdvertisedCapacity capacity, ClusterMetrics metrics, IOptions<ClusterOptions> options, TimeProvider time,
    ILogger<AdvertisedCapacityService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval, time);
        do
        {
            try
            {
                capacity.Update(await store.ReadLiveLeasesAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                metrics.StoreFailed("advertisements");
                ClusterLog.ClusterOperationFailed(logger, "reading the keyservers' advertisements", options.Value.LeaseRenewInterval, e);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
