using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Configuration;
using KeylessGeo.EdgeAgent.Diagnostics;
using KeylessGeo.EdgeAgent.Upstreams;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace KeylessGeo.EdgeAgent.Routing;

/// <summary>
/// The datacenter path's retry rule as a Polly pipeline: on a transport failure (no connection, a
/// broken stream, an attempt timeout, an open breaker) try another keyserver after an exponential,
/// jittered delay, while the request's deadline leaves time and the attempt cap allows. An answer
/// is never retried, whatever its code: <c>OVERLOADED</c> above all reaches the caller at once.
/// </summary>
internal static class DatacenterRetryPipeline
{
    /// <summary>The request's deadline as a <see cref="TimeProvider"/> timestamp.</summary>
    public static readonly ResiliencePropertyKey<long> Deadline = new("keylessgeo.deadline");

    public static ResiliencePipeline<SignResponse> Build(PathOptions path, EdgeAgentMetrics metrics, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<SignResponse> { TimeProvider = time };
        if (path.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<SignResponse>
            {
                MaxRetryAttempts = path.MaxAttempts - 1,
                Delay = path.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is UpstreamException or TimeoutRejectedException or BrokenCircuitException &&
                    time.GetTimestamp() < args.Context.Properties.GetValue(Deadline, 0)),
                OnRetry = _ =>
                {
                    metrics.Retried();
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }
}
