using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.ControlPlane.Health;

/// <summary>
/// <c>/readyz</c> on the telemetry endpoint: the same decision as the API's <c>/readyz</c>
/// (<see cref="StoreReadiness"/>), on a port that kubelet and a load balancer reach without a
/// client certificate. The endpoint prints only the check's name when it fails; the problem codes
/// go in the description, for the logs.
/// </summary>
internal sealed class StoreReadinessHealthCheck(StoreReadiness readiness) : IHealthCheck
{
    /// <summary>The name the check is registered under (what a failing <c>/readyz</c> prints).</summary>
    public const string Name = "store";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
        return report.Ready
            ? HealthCheckResult.Healthy($"store {report.Store} ready at revision {report.Revision}")
            : HealthCheckResult.Unhealthy($"store {report.Store} not ready: {string.Join(", ", report.Problems.Select(p => p.Code))}");
    }
}
