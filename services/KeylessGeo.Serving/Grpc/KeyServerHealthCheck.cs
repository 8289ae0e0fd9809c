using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// Healthy while the keyserver runs, unhealthy once it has begun to stop, so <c>grpc.health.v1</c>
/// reports NOT_SERVING and load balancers drain the keyserver before its connections close.
/// </summary>
internal sealed class KeyServerHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    private static readonly Task<HealthCheckResult> Serving = Task.FromResult(HealthCheckResult.Healthy("serving"));
    private static readonly Task<HealthCheckResult> Stopping = Task.FromResult(HealthCheckResult.Unhealthy("stopping"));

    /// <summary>The name the check is registered under.</summary>
    public const string Name = "keyserver";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => lifetime.ApplicationStopping.IsCancellationRequested ? Stopping : Serving;
}
