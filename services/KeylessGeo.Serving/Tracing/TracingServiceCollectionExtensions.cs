using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeylessGeo.Serving.Tracing;

/// <summary>Registers request tracing around a process's signing service.</summary>
public static class TracingServiceCollectionExtensions
{
    /// <summary>
    /// Wraps the <see cref="ISigningService"/> registered last (call it after every registration that
    /// replaces it, and once) so each request the listeners pass to it is a span of
    /// <see cref="SigningTrace.SourceName"/>, parented on the trace context the request carries.
    /// </summary>
    /// <exception cref="InvalidOperationException">No signing service is registered.</exception>
    public static IServiceCollection AddSigningTracing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ISigningService))
            ?? throw new InvalidOperationException("Register the ISigningService before adding tracing around it.");
        services.RemoveAll(typeof(ISigningService));
        services.Add(ServiceDescriptor.Describe(typeof(ISigningService), provider => new TracingSigningService(Create(provider, registered)), registered.Lifetime));
        return services;
    }

    private static ISigningService Create(IServiceProvider provider, ServiceDescriptor registered) => registered switch
    {
        { ImplementationInstance: ISigningService instance } => instance,
        { ImplementationFactory: { } factory } => (ISigningService)factory(provider),
        { ImplementationType: { } type } => (ISigningService)ActivatorUtilities.CreateInstance(provider, type),
        _ => throw new InvalidOperationException($"The ISigningService registration ({registered}) cannot be wrapped."),
    };
}
