using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace KeylessGeo.Telemetry.Health;

/// <summary>
/// Readiness: healthy once the host has started (every hosted service started, every Kestrel
/// endpoint bound) and until it begins to stop, so traffic drains before connections close.
/// </summary>
internal sealed class HostStartedHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "started";

    private static readonly Task<HealthCheckResult> Starting = Task.FromResult(HealthCheckResult.Unhealthy("starting"));
    private static readonly Task<HealthCheckResult> Started = Task.FromResult(HealthCheckResult.Healthy("started"));
    private static readonly Task<HealthCheckResult> Stopping = Task.FromResult(HealthCheckResult.Unhealthy("stopping"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Stopping;
        }

        return lifetime.ApplicationStarted.IsCancellationRequested ? Started : Starting;
    }
}
