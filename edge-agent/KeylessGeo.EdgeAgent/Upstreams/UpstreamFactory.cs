using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.EdgeAgent.Diagnostics;
using KeylessGeo.Transport.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>
/// Builds an <see cref="Upstream"/>: its HTTP/2 connections (each its own channel, so its own
/// connection, with the path's connect timeout) and its pipeline: Polly's circuit breaker around
/// Polly's timeout, so an attempt that times out counts against the keyserver like one whose
/// connection failed, while any answer (an error code included) counts as success.
/// </summary>
internal sealed class UpstreamFactory(IOptions<UpstreamOptions> options, UpstreamTls tls, EdgeAgentMetrics metrics, ILogger<Upstream> logger, TimeProvider time)
{
    private readonly UpstreamOptions _options = options.Value;

    public Upstream Create(UpstreamIdentity identity, double weight)
    {
        var path = identity.IsLocal ? _options.Local : _options.Datacenter;
        var connections = new SignStreamConnection[_options.ConnectionsPerUpstream];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i] = new SignStreamConnection(identity.Id, GrpcChannelFactory.Create(new ChannelSettings
            {
                Address = identity.Address,
                AllowInsecure = true,
                ClientCertificate = tls.ClientCertificate,
                TrustedCa = tls.TrustedCa,
                ConnectTimeout = path.ConnectTimeout,

                // A dead peer is found within seconds even when no request is waiting on it.
                KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            }), logger);
        }

        var upstream = new Upstream(identity, connections, _options.MaxInFlightPerUpstream, weight, time);
        upstream.Pipeline = BuildPipeline(upstream);
        upstream.Warm();
        return upstream;
    }

    private ResiliencePipeline<SignResponse> BuildPipeline(Upstream upstream)
    {
        var breaker = _options.Breaker;
        return new ResiliencePipelineBuilder<SignResponse> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SignResponse>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                ShouldHandle = new PredicateBuilder<SignResponse>().Handle<UpstreamException>().Handle<TimeoutRejectedException>(),
                OnOpened = args =>
                {
                    upstream.OnBreakerOpened(args.BreakDuration);
                    EdgeAgentLog.BreakerOpened(logger, upstream.Id, args.BreakDuration);
                    metrics.BreakerChanged(upstream.Identity, opened: true);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    upstream.OnBreakerClosed();
                    EdgeAgentLog.BreakerClosed(logger, upstream.Id);
                    metrics.BreakerChanged(upstream.Identity, opened: false);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = static args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptProperties.Timeout, TimeSpan.FromSeconds(1))),
            })
            .Build();
    }
}
