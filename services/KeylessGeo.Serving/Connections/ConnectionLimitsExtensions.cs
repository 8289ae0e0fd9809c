using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using KestrelListenOptions = Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions;

namespace KeylessGeo.Serving.Connections;

/// <summary>
/// Connection limits for any Kestrel endpoint. On a TLS endpoint:
/// <code>
/// listen.UseDescriptorBudget("grpc");      // first: counts every accepted socket
/// listen.UseHttps(...);
/// listen.UseConnectionLimits(new ConnectionLimits { Endpoint = "grpc", MaxConnections = 4096, MaxConnectionsPerClient = 256 });
/// </code>
/// Kestrel's own <c>Limits.MaxConcurrentConnections</c> is not used: it applies one number to
/// every endpoint of the server, counts each endpoint separately before TLS, and cannot see the
/// client's identity.
/// </summary>
public static class ConnectionLimitsExtensions
{
    /// <summary>
    /// Registers the process-wide <see cref="DescriptorBudget"/> (sized, after raising the
    /// open-file soft limit to the hard limit, when first resolved) and the limits' metrics.
    /// </summary>
    public static IServiceCollection AddConnectionLimits(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConnectionLimitMetrics>();
        services.TryAddSingleton(static provider =>
        {
            var budget = DescriptorBudget.ForCurrentProcess(provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DescriptorBudget)));
            provider.GetRequiredService<ConnectionLimitMetrics>().Observe(budget);
            return budget;
        });
        return services;
    }

    /// <summary>
    /// Counts every connection accepted on <paramref name="listen"/> against the process's
    /// <see cref="DescriptorBudget"/>, and closes it at once when the budget is spent. Call it
    /// first, before <c>UseHttps</c>, so that connections still in their TLS handshake count
    /// too. Needs <see cref="AddConnectionLimits"/>.
    /// </summary>
    public static KestrelListenOptions UseDescriptorBudget(this KestrelListenOptions listen, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        var services = listen.ApplicationServices;
        var budget = services.GetRequiredService<DescriptorBudget>();
        var metrics = services.GetRequiredService<ConnectionLimitMetrics>();
        var throttle = new LogThrottle(services.GetRequiredService<TimeProvider>(), LogThrottle.DefaultInterval);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConnectionLimitsExtensions).Namespace!);
        listen.Use(next => new DescriptorBudgetMiddleware(next, endpoint, budget, metrics, throttle, logger).OnConnectionAsync);
        return listen;
    }

    /// <summary>
    /// Closes, at once, a connection that would exceed <paramref name="limits"/>: the endpoint's
    /// maximum, or its client identity's. Call it after <c>UseHttps</c>, so the client
    /// certificate has been verified and only authenticated connections are counted. Needs
    /// <see cref="AddConnectionLimits"/>.
    /// </summary>
    public static KestrelListenOptions UseConnectionLimits(this KestrelListenOptions listen, ConnectionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxConnectionsPerClient, 1);
        var services = listen.ApplicationServices;
        var metrics = services.GetRequiredService<ConnectionLimitMetrics>();
        var throttle = new LogThrottle(services.GetRequiredService<TimeProvider>(), LogThrottle.DefaultInterval);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConnectionLimitsExtensions).Namespace!);
        listen.Use(next => new ConnectionLimitMiddleware(next, limits, metrics, throttle, logger).OnConnectionAsync);
        return listen;
    }
}
