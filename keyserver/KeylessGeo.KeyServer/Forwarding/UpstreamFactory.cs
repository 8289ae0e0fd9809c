using KeylessGeo.Transport.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// Makes an <see cref="Upstream"/>: a mutual-TLS channel from the shared
/// <see cref="GrpcChannelFactory"/> with the long connect timeout, and the upstream's own Polly
/// pipeline — a circuit breaker (so its failures never open another upstream's circuit) around
/// the per-attempt timeout.
/// </summary>
internal sealed class UpstreamFactory(
    IOptions<ForwardingOptions> options,
    ForwardingClientTls tls,
    TimeProvider time,
    ForwardingMetrics metrics,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<UpstreamFactory>();

    /// <summary>Makes the upstream of <paramref name="endpoint"/> (<c>https://host:port</c>).</summary>
    /// <exception cref="ArgumentException">The endpoint is not a valid channel address.</exception>
    public Upstream Create(string endpoint)
    {
        var settings = options.Value;
        var channel = GrpcChannelFactory.Create(
            new ChannelSettings
            {
                Address = endpoint,
                ClientCertificate = tls.ClientCertificate,
                TrustedCa = tls.TrustedCa,

                // A connection attempt is not tied to the request that started it: it goes on
                // after that request's attempt times out, so a slow cross-region handshake still
                // completes for the requests that follow.
                ConnectTimeout = settings.ConnectTimeout,
            },
            loggerFactory);
        var breaker = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<ForwardAttempt> { TimeProvider = time, Name = "keylessgeo-forward-upstream", InstanceName = endpoint }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ForwardAttempt>
            {
                FailureRatio = settings.BreakerFailureRatio,
                MinimumThroughput = settings.BreakerMinimumThroughput,
                SamplingDuration = settings.BreakerSamplingDuration,
                BreakDuration = settings.BreakDuration,
                StateProvider = breaker,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is TimeoutRejectedException || args.Outcome.Result is { CountsAgainstUpstream: true }),
                OnOpened = args =>
                {
                    ForwardingLog.CircuitOpened(_logger, endpoint, args.BreakDuration);
                    metrics.CircuitMoved("open");
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    ForwardingLog.CircuitHalfOpened(_logger, endpoint);
                    metrics.CircuitMoved("half_open");
                    return default;
                },
                OnClosed = _ =>
                {
                    ForwardingLog.CircuitClosed(_logger, endpoint);
                    metrics.CircuitMoved("closed");
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                // The attempt timeout capped by the request's remaining deadline, set per attempt.
                TimeoutGenerator = static args => ValueTask.FromResult(
                    args.Context.Properties.TryGetValue(RemoteForwarder.CallKey, out var call) ? call.AttemptTimeout : Timeout.InfiniteTimeSpan),
            })
            .Build();
        return new Upstream(endpoint, channel, pipeline, breaker);
    }
}
