using KeylessGeo.EdgeAgent.Upstreams;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.EdgeAgent.Diagnostics;

/// <summary>
/// Ready while at least one keyserver can take a request: the node-local one or one of the
/// datacenter's, serving and with its circuit breaker closed. A terminator whose agent is not
/// ready should use another agent (or fail over) rather than queue handshakes here.
/// </summary>
internal sealed class UpstreamsHealthCheck(UpstreamPool pool) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "upstreams";

    private static readonly Task<HealthCheckResult> Ready = Task.FromResult(HealthCheckResult.Healthy("a keyserver is available"));
    private static readonly Task<HealthCheckResult> NotReady = Task.FromResult(HealthCheckResult.Unhealthy("no keyserver is available"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var set = pool.Current;
        return set.Local is { Available: true } || set.Datacenter.Any(u => u.Available) ? Ready : NotReady;
    }
}
