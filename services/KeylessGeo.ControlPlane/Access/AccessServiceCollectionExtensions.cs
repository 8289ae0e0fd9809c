using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>Registers access control: the compiled grants and the refused-request auditor.</summary>
internal static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddControlPlaneAccess(this IServiceCollection services, AccessOptions options)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton(new AccessPolicy(options));
        services.TryAddSingleton<RefusalAuditor>();
        services.AddHostedService(provider => provider.GetRequiredService<RefusalAuditor>());
        return services;
    }
}
