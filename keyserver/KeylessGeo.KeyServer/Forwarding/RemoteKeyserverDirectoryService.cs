using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Refreshes the <see cref="RemoteKeyserverDirectory"/> every
/// <see cref="ForwardingOptions.DirectoryRefreshInterval"/>, off the request path, and closes the
/// channels of remote keyservers that left it.
/// </summary>
internal sealed class RemoteKeyserverDirectoryService(
    RemoteKeyserverDirectory directory,
    UpstreamCache upstreams,
    IOptions<ForwardingOptions> options,
    TimeProvider time,
    ILogger<RemoteKeyserverDirectoryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.DirectoryRefreshInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await directory.RefreshAsync(stoppingToken).ConfigureAwait(false) && directory.View is { } view)
                {
                    var retired = upstreams.Retain(view.Endpoints);
                    if (retired > 0)
                    {
                        ForwardingLog.UpstreamsRetired(logger, retired);
                    }
                }

                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
