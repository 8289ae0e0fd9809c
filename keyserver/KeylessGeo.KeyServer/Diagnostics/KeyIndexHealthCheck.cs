using KeylessGeo.KeyServer.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>
/// Readiness: the key directory has been indexed and, in cluster mode, the managed keys read from
/// the control plane at least once. Before that a request for a key could be refused although
/// the key exists.
/// </summary>
internal sealed class KeyIndexHealthCheck(KeyStore keys) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "keys";

    private static readonly Task<HealthCheckResult> Loaded = Task.FromResult(HealthCheckResult.Healthy("keys loaded"));
    private static readonly Task<HealthCheckResult> Loading = Task.FromResult(HealthCheckResult.Unhealthy("keys not loaded yet"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        keys.IsReady ? Loaded : Loading;
}
