using KeylessGeo.KeyServer.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>Registers forwarding to keyservers of other regions.</summary>
public static class ForwardingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ForwardingOptions"/> from <c>Cluster:Forwarding</c> and validates them on
    /// start. When <see cref="ForwardingOptions.Enabled"/> is set, adds the remote keyserver
    /// directory (refreshed in the background from the control-plane store), the upstream channels
    /// and the <see cref="IRemoteForwarder"/>. Call in cluster mode, after
    /// <see cref="ClusterServiceCollectionExtensions.AddKeyServerCluster"/> (which registers the store).
    /// </summary>
    public static IServiceCollection AddKeyServerForwarding(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(ForwardingOptions.SectionName);
        services.AddOptions<ForwardingOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ForwardingOptions>, ForwardingOptionsValidator>());
        if (!(section.Get<ForwardingOptions>() ?? new ForwardingOptions()).Enabled)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => ForwardingClientTls.Load(provider.GetRequiredService<IOptions<ForwardingOptions>>().Value));
        services.TryAddSingleton<RemoteKeyserverDirectory>();
        services.TryAddSingleton<ForwardingMetrics>();
        services.TryAddSingleton<UpstreamFactory>();
        services.TryAddSingleton(static provider => new UpstreamCache(provider.GetRequiredService<UpstreamFactory>().Create));
        services.TryAddSingleton<IRemoteForwarder, RemoteForwarder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RemoteKeyserverDirectoryService>());
        return services;
    }
}
