using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.Serving.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Discovery;

/// <summary>Registers <c>WatchKeyservers</c>: the keyserver list edge agents discover their upstreams from.</summary>
public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DiscoveryOptions"/> from the <c>Discovery</c> section (validated on start)
    /// and adds the <see cref="IKeyserverWatch"/> the gRPC service answers <c>WatchKeyservers</c>
    /// with, fed by the cluster's advertisements when <paramref name="cluster"/> is set (call from
    /// <see cref="ClusterServiceCollectionExtensions.AddKeyServerCluster"/>, which registers what
    /// they are read from), by this keyserver alone otherwise.
    /// </summary>
    public static IServiceCollection AddKeyServerDiscovery(this IServiceCollection services, IConfiguration configuration, bool cluster)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DiscoveryOptions>().Bind(configuration.GetSection(DiscoveryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscoveryOptions>, DiscoveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AdvertisedEndpoints>();
        services.TryAddSingleton<LocalKeyserver>();
        if (cluster)
        {
            services.TryAddSingleton<IKeyserverSource, ClusterKeyserverSource>();
        }
        else
        {
            services.TryAddSingleton<IKeyserverSource, StandaloneKeyserverSource>();
        }

        services.TryAddSingleton<KeyserverWatch>();
        services.TryAddSingleton<IKeyserverWatch>(static provider => provider.GetRequiredService<KeyserverWatch>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeyserverWatchService>());
        return services;
    }
}
