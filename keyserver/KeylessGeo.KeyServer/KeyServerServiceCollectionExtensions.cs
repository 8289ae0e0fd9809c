using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Capacity;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer;

/// <summary>Registers the keyserver's signing core.</summary>
public static class KeyServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ISigningService"/>, <see cref="IKeyStore"/> and their dependencies, binds
    /// <see cref="KeyServerOptions"/> from the <c>KeyServer</c> section of
    /// <paramref name="configuration"/> and validates them when the host starts. Hosted services
    /// index the key directory at start-up and calibrate capacity in the background.
    /// </summary>
    public static IServiceCollection AddKeyServerCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<KeyServerOptions>()
            .Bind(configuration.GetSection(KeyServerOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyServerOptions>, KeyServerOptionsValidator>());
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KeyServerMetrics>();
        services.TryAddSingleton<KeyStore>();
        services.TryAddSingleton<IKeyStore>(static provider => provider.GetRequiredService<KeyStore>());
        services.TryAddSingleton(static provider =>
        {
            var admission = provider.GetRequiredService<IOptions<KeyServerOptions>>().Value.Admission;
            return new AdmissionController(
                admission.Workers, admission.QueueLimit, provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<AdmissionController>>());
        });
        services.TryAddSingleton(static provider =>
        {
            var admission = provider.GetRequiredService<IOptions<KeyServerOptions>>().Value.Admission;
            return new CapacityState(AcceleratorDetector.Resolve(admission.Accelerator, admission.AcceleratorMultiplier));
        });
        services.TryAddSingleton<ISigningService, SigningService>();
        services.TryAddSingleton(new ServingMeter(KeyServerInstruments.MeterName));
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<KeyServerOptions>>().Value;
            return new ServingIdentity(options.Id, options.Datacenter);
        });
        services.AddSingleton<IOperationSupport, KeyTypeSupport>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeyIndexingService>());
        services.TryAddSingleton<KeyFolderWatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeyFolderWatcher>(static provider => provider.GetRequiredService<KeyFolderWatcher>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CapacityCalibrationService>());
        return services;
    }
}
