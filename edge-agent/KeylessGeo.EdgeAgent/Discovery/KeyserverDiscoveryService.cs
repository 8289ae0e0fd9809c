using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.EdgeAgent.Diagnostics;
using KeylessGeo.EdgeAgent.Upstreams;
using KeylessGeo.Transport.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.EdgeAgent.Discovery;

/// <summary>
/// Follows the cluster's list of the datacenter's keyservers (<c>WatchKeyservers</c>), asked of
/// the node-local keyserver first and of the configured ones in turn when it fails; each list
/// replaces the pool's datacenter upstreams. A stream silent for three refresh intervals counts
/// as broken. Until a list arrives, and whenever none can be had, the configured keyservers serve.
/// </summary>
internal sealed class KeyserverDiscoveryService(
    UpstreamPool pool, IOptions<UpstreamOptions> upstreams, IOptions<AgentOptions> agent, UpstreamTls tls, ILogger<KeyserverDiscoveryService> logger, TimeProvider time)
    : BackgroundService
{
    /// <summary>How long a stream may stay silent (keyservers re-send at least every 5 s by default).</summary>
    internal static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = upstreams.Value;
        if (!options.Discover)
        {
            return;
        }

        var sources = new List<string>();
        if (options.LocalKeyserver.Length > 0)
        {
            sources.Add(options.LocalKeyserver);
        }

        sources.AddRange(options.Keyservers.Select(k => k.Address));
        for (var turn = 0; !stoppingToken.IsCancellationRequested; turn++)
        {
            var source = sources[turn % sources.Count];
            try
            {
                await WatchAsync(source, source == options.LocalKeyserver, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
            {
                EdgeAgentLog.DiscoveryFailed(logger, source, e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message, options.DiscoveryRetryDelay);
            }

            await Task.Delay(options.DiscoveryRetryDelay, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(string source, bool fromLocal, CancellationToken stoppingToken)
    {
        using var channel = GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = source,
            AllowInsecure = true,
            ClientCertificate = tls.ClientCertificate,
            TrustedCa = tls.TrustedCa,
            ConnectTimeout = upstreams.Value.Datacenter.ConnectTimeout,
        });
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        silence.CancelAfter(SilenceLimit);
        using var call = client.WatchKeyservers(new WatchKeyserversRequest { Datacenter = agent.Value.Datacenter }, cancellationToken: silence.Token);
        while (await call.ResponseStream.MoveNext(silence.Token).ConfigureAwait(false))
        {
            silence.CancelAfter(SilenceLimit);
            var list = call.ResponseStream.Current;
            pool.Apply(ToUpstreams(list), fromLocal ? list.ServedBy?.KeyserverId : null);
            EdgeAgentLog.DiscoveryList(logger, list.Keyservers.Count, source, list.Version);
        }

        throw new InvalidOperationException("the keyserver ended the stream");
    }

    private List<DiscoveredKeyserver> ToUpstreams(KeyserverList list)
    {
        var datacenter = agent.Value.Datacenter;
        var keyservers = list.Keyservers.Where(k => k.Datacenter == datacenter && k.GrpcEndpoints.Count > 0).ToList();
        var weights = CapacityWeight.For(keyservers);
        var result = new List<DiscoveredKeyserver>(keyservers.Count);
        for (var i = 0; i < keyservers.Count; i++)
        {
            var keyserver = keyservers[i];

            // Prefer a TLS endpoint: a plaintext or Unix-socket one is reachable only on the keyserver's own node.
            var address = keyserver.GrpcEndpoints.FirstOrDefault(e => e.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? keyserver.GrpcEndpoints[0];
            result.Add(new DiscoveredKeyserver(keyserver.KeyserverId, address, weights[i], keyserver.Serving));
        }

        return result;
    }
}
