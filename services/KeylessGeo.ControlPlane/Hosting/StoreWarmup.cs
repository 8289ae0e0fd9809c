using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// Opens the store when the host starts (creating or checking the embedded data directory,
/// connecting and migrating PostgreSQL), so an unusable store stops the process at once instead
/// of failing the first request; then reads the services' state from its one snapshot, so the
/// first request does not wait for it.
/// </summary>
internal sealed class StoreWarmup(IControlPlaneStore store, ControlPlaneServices services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
        await services.Follower.CurrentAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
