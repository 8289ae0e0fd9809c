using Microsoft.Extensions.Hosting;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>Indexes the key directory (public information only) when the host starts.</summary>
internal sealed class KeyIndexingService : IHostedService
{
    private readonly KeyStore _keys;

    public KeyIndexingService(KeyStore keys) => _keys = keys;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _keys.Reload();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
