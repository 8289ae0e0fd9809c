using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>Registers the epoll transport for the Keyless port (instead of <see cref="KeylessKestrelExtensions.ListenKeyless"/>).</summary>
internal static class EpollKeylessExtensions
{
    /// <summary>
    /// Serves <paramref name="endPoint"/> with <paramref name="tls"/> on epoll event loops, started and
    /// drained with the host. Needs <see cref="KeylessServiceCollectionExtensions.AddKeylessListener"/>.
    /// The container owns <paramref name="tls"/> from now on.
    /// </summary>
    public static IServiceCollection AddEpollKeylessListener(this IServiceCollection services, IPEndPoint endPoint, EpollTlsContext tls)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(tls);
        services.AddSingleton(tls);
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<EpollKeylessServer>(provider, endPoint));
        services.AddHostedService(provider => provider.GetRequiredService<EpollKeylessServer>());
        return services;
    }
}
