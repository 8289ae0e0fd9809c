using KeylessGeo.ControlPlane.Store;
using KeylessGeo.KeyServer.Cluster.Grains;
using KeylessGeo.KeyServer.Cluster.Placement;
using KeylessGeo.KeyServer.Cluster.Routing;
using KeylessGeo.KeyServer.Discovery;
using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Cluster;

/// <summary>Registers cluster membership and managed keys.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ClusterOptions"/> from the <c>Cluster</c> section and validates them on
    /// start. When <see cref="ClusterOptions.Enabled"/> is set, adds the control-plane store
    /// (unless an <see cref="IControlPlaneStore"/> is registered already, as tests do to share
    /// one), the datacenter wrapping key, the change-feed follower and the membership lease.
    /// Call after <see cref="KeyServerServiceCollectionExtensions.AddKeyServerCore"/>.
    /// </summary>
    public static IServiceCollection AddKeyServerCluster(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(ClusterOptions.SectionName);
        services.AddOptions<ClusterOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        var options = section.Get<ClusterOptions>() ?? new ClusterOptions();
        services.AddKeyServerDiscovery(configuration, cluster: options.Enabled);
        if (!options.Enabled)
        {
            return services;
        }

        services.TryAddSingleton(static provider => ClusterStoreFactory.Create(
            provider.GetRequiredService<IOptions<ClusterOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<LocalWrappingKey>();
        services.TryAddSingleton<ManagedKeyBlobs>();
        services.TryAddSingleton<ClusterState>();
        services.TryAddSingleton<ClusterMetrics>();
        services.TryAddSingleton<WrappingKeyRegistration>();
        services.TryAddSingleton<ManagedKeyFeedService>();
        services.TryAddSingleton<AdvertisedEndpoints>();
        services.TryAddSingleton<ClusterMembershipService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ManagedKeyFeedService>(static p => p.GetRequiredService<ManagedKeyFeedService>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ClusterMembershipService>(static p => p.GetRequiredService<ClusterMembershipService>()));
        services.TryAddSingleton<KeyPlacementView>();
        services.TryAddSingleton<LocalKeyActivations>();

        // The advertisements, read once for placement and for discovery (which needs them without a silo too).
        services.TryAddSingleton<AdvertisedCapacity>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AdvertisedCapacityService>());
        if (options.Silo?.Enabled ?? true)
        {
            AddRouting(services);
            services.AddKeyServerForwarding(configuration);
        }

        return services;
    }

    /// <summary>
    /// Requests enter through <see cref="KeyRouter"/>, which signs what this datacenter may hold
    /// with the local <see cref="SigningService"/> and routes the rest (the silo itself is added
    /// to the host by <see cref="Silo.KeyServerSiloExtensions.AddKeyServerSilo"/>).
    /// </summary>
    private static void AddRouting(IServiceCollection services)
    {
        services.TryAddSingleton<SigningService>();
        services.Replace(ServiceDescriptor.Singleton<ISigningService, KeyRouter>());
        services.TryAddSingleton<RoutingMetrics>();
    }
}
