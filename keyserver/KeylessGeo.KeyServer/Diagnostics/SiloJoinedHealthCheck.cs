using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>
/// Readiness in cluster mode: this keyserver's silo is an active member of its cluster, so key
/// grains can be placed and reached. Healthy when the keyserver hosts no silo.
/// </summary>
internal sealed class SiloJoinedHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "cluster";

    private static readonly Task<HealthCheckResult> NoSilo = Task.FromResult(HealthCheckResult.Healthy("no silo"));
    private static readonly Task<HealthCheckResult> Joined = Task.FromResult(HealthCheckResult.Healthy("silo active"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Resolved per check: the silo is optional, and its services exist only when it is on.
        if (services.GetService(typeof(IClusterMembershipService)) is not IClusterMembershipService membership
            || services.GetService(typeof(ILocalSiloDetails)) is not ILocalSiloDetails local)
        {
            return NoSilo;
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return status == SiloStatus.Active
            ? Joined
            : Task.FromResult(HealthCheckResult.Unhealthy("silo " + status));
    }
}
