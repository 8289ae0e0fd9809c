using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.Telemetry.Health;

/// <summary>
/// Liveness floor: answering at all proves the process accepts connections and its thread pool
/// runs work. Programs add their own liveness checks (stalled workers …) next to it.
/// </summary>
internal sealed class ProcessAliveHealthCheck : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "process";

    private static readonly Task<HealthCheckResult> Alive = Task.FromResult(HealthCheckResult.Healthy("answering"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Alive;
}
