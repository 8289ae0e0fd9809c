using KeylessGeo.ControlPlane.Store;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// Opens the store when the host starts (creating or checking the embedded data directory,
/// connecting and migrating PostgreSQL), so an unusable store stops the process at once instead
/// of failing the first request.
/// </summary>
internal sealed class StoreWarmup(IControlPlaneStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.GetRevisionAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
