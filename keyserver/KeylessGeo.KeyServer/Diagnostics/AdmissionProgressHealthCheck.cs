using KeylessGeo.KeyServer.Admission;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>
/// Liveness: while requests are running or queued, the admission workers finish one at least
/// every <see cref="StallLimit"/>. A private-key operation takes milliseconds and a request
/// never waits past its deadline, so work pending with no completion for that long means the
/// workers are stuck and only a restart helps. Progress is compared between successive checks.
/// </summary>
internal sealed class AdmissionProgressHealthCheck(AdmissionController admission, TimeProvider time) : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    public const string Name = "workers";

    /// <summary>How long pending work may go without a completed request.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    private static readonly Task<HealthCheckResult> Progressing = Task.FromResult(HealthCheckResult.Healthy("workers progressing"));

    private readonly Lock _lock = new();
    private long _completed = -1;
    private long _since;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var load = admission.Load;
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (load.CompletedTotal != _completed || load.InFlight + load.Queued == 0)
            {
                _completed = load.CompletedTotal;
                _since = now;
                return Progressing;
            }

            var stalled = time.GetElapsedTime(_since, now);
            return stalled < StallLimit
                ? Progressing
                : Task.FromResult(HealthCheckResult.Unhealthy(
                    $"no request completed for {stalled.TotalSeconds:F0} s with {load.InFlight} running and {load.Queued} queued"));
        }
    }
}
