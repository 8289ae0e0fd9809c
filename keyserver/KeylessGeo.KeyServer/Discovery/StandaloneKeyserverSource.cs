namespace KeylessGeo.KeyServer.Discovery;

/// <summary>
/// Outside a cluster a keyserver knows only itself: one entry, one datacenter. Nothing signals a
/// change (its endpoints are bound once; calibration is picked up by the periodic refresh).
/// </summary>
internal sealed class StandaloneKeyserverSource(LocalKeyserver self) : IKeyserverSource
{
    public string OwnDatacenter => self.Datacenter;

    public KnownKeyservers Read() => new([self.Describe(place: null)], static _ => false);

    public async Task WatchAsync(Action changed, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
