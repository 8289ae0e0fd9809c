using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeylessGeo.ControlPlane.Health;

/// <summary>Registers readiness: <see cref="StoreReadiness"/> for <c>/readyz</c>, the metrics and the background check.</summary>
public static class ReadinessServiceCollectionExtensions
{
    /// <summary>Adds readiness checking every <paramref name="checkInterval"/>; needs <see cref="Operations.ControlPlaneServices"/> and a <see cref="TimeProvider"/> registered.</summary>
    public static IServiceCollection AddControlPlaneReadiness(this IServiceCollection services, TimeSpan checkInterval)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(checkInterval, TimeSpan.Zero);
        services.AddMetrics();
        services.TryAddSingleton(new ReadinessOptions(checkInterval));
        services.TryAddSingleton<StoreReadiness>();
        services.TryAddSingleton<ControlPlaneMetrics>();
        services.AddHostedService<StoreIntegrityMonitor>();
        return services;
    }
}
