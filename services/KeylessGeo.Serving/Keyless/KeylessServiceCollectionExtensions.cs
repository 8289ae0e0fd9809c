using KeylessGeo.Serving.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Keyless;

/// <summary>Registers the Keyless protocol listener's services.</summary>
public static class KeylessServiceCollectionExtensions
{
    /// <summary>
    /// Adds the connection handler, its metrics, its timeout monitor, the response budget,
    /// the connection limits and <see cref="KeylessListenerState"/>, and binds
    /// <see cref="KeylessOptions"/> from the <c>Keyless</c> section. Needs the signing core
    /// (<c>AddKeyServerCore</c>). The endpoint itself is added to Kestrel by the host.
    /// </summary>
    public static IServiceCollection AddKeylessListener(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<KeylessOptions>().Bind(configuration.GetSection(KeylessOptions.SectionName));
        services.AddConnectionLimits();
        services.TryAddSingleton<KeylessListenerState>();
        services.TryAddSingleton<KeylessMetrics>();
        services.TryAddSingleton<IOperationSupport, UnknownOperationSupport>();
        services.TryAddSingleton<KeylessConnectionMonitor>();
        services.AddResponseBudget();
        services.TryAddSingleton<KeylessConnectionHandler>();
        NameKeylessAddress(services);
        return services;
    }

    /// <summary>
    /// Puts <see cref="KeylessAddressServer"/> in front of the server the host registered (Kestrel),
    /// so the Keyless endpoint's address is not reported as an HTTP one. A host without a server
    /// registered by type yet (a test server added later) is left alone.
    /// </summary>
    private static void NameKeylessAddress(IServiceCollection services)
    {
        var server = services.LastOrDefault(d => d.ServiceType == typeof(IServer) && !d.IsKeyedService);
        if (server?.ImplementationType is not { } type || type == typeof(KeylessAddressServer))
        {
            return;
        }

        services.Remove(server);
        services.TryAddSingleton(type);
        services.AddSingleton<IServer>(provider => new KeylessAddressServer((IServer)provider.GetRequiredService(type), provider.GetRequiredService<KeylessListenerState>()));
    }

    /// <summary>
    /// Registers the process-wide <see cref="ResponseBudget"/> (shared by Keyless connections and
    /// gRPC <c>SignStream</c> calls), sized by <see cref="KeylessOptions.ResponseBytesBudget"/>,
    /// <see cref="KeylessOptions.MaxResponseBytesPerConnection"/> and
    /// <see cref="KeylessOptions.ResponseBudgetGracePeriod"/> (their defaults unless
    /// <see cref="AddKeylessListener"/> binds the section), with its gauge.
    /// </summary>
    internal static IServiceCollection AddResponseBudget(this IServiceCollection services)
    {
        services.AddConnectionLimits();
        services.TryAddSingleton(static provider =>
        {
            var keyless = provider.GetRequiredService<IOptions<KeylessOptions>>().Value;
            var budget = new ResponseBudget(
                keyless.ResponseBytesBudget, keyless.MaxResponseBytesPerConnection, keyless.ResponseBudgetGracePeriod, provider.GetRequiredService<TimeProvider>());
            provider.GetRequiredService<ConnectionLimitMetrics>().Observe(budget);
            return budget;
        });
        return services;
    }
}
