using System.Diagnostics.Metrics;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Telemetry.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KeylessGeo.Telemetry;

/// <summary>Registers a process's metrics export and health checks.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TelemetryOptions"/> from the <c>Telemetry</c> section (validated at start)
    /// and, when an OTLP endpoint is configured (there or in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) or
    /// the scrape endpoint is enabled, one <see cref="MeterProvider"/> for the meters of
    /// <paramref name="setup"/> (and, with OTLP, a <see cref="TracerProvider"/> for its activity
    /// sources unless <c>Telemetry:Tracing:Enabled</c> is false), created when the host starts and flushed and disposed with the
    /// host's services. Adds health checks with the liveness floor (<c>process</c>, tagged
    /// <see cref="HealthTags.Live"/>) and the readiness floor (<c>started</c>, tagged
    /// <see cref="HealthTags.Ready"/>); programs add their own checks with those tags. Only
    /// meters created by this host's <see cref="IMeterFactory"/> (or by none) are exported, so
    /// several hosts in one process each report their own values. The Kestrel
    /// endpoint and the pipeline are the host's: <see cref="TelemetryKestrelExtensions.ListenTelemetry"/>
    /// and <see cref="TelemetryEndpointExtensions.UseTelemetryEndpoint"/>.
    /// </summary>
    public static IServiceCollection AddKeylessGeoTelemetry(this IServiceCollection services, IConfiguration configuration, TelemetrySetup setup) =>
        AddKeylessGeoTelemetry(services, configuration, setup, Environment.GetEnvironmentVariable(TelemetryOptions.EndpointEnvironmentVariable));

    /// <summary>As <see cref="AddKeylessGeoTelemetry(IServiceCollection, IConfiguration, TelemetrySetup)"/>, with the environment's OTLP endpoint given.</summary>
    public static IServiceCollection AddKeylessGeoTelemetry(IServiceCollection services, IConfiguration configuration, TelemetrySetup setup, string? environmentEndpoint)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(setup);

        var section = configuration.GetSection(TelemetryOptions.SectionName);
        services.AddOptions<TelemetryOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.TryAddSingleton<TelemetryEndpointState>();
        services.AddHealthChecks()
            .AddCheck<ProcessAliveHealthCheck>(ProcessAliveHealthCheck.Name, tags: [HealthTags.Live])
            .AddCheck<HostStartedHealthCheck>(HostStartedHealthCheck.Name, tags: [HealthTags.Ready]);

        var telemetry = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!TelemetryMeterProvider.IsNeeded(telemetry, environmentEndpoint))
        {
            return services;
        }

        services.AddMetrics();
        services.TryAddSingleton(provider => TelemetryMeterProvider.Create(telemetry, setup, environmentEndpoint, provider.GetRequiredService<IMeterFactory>()));
        if (TelemetryTracerProvider.IsNeeded(telemetry, setup, environmentEndpoint))
        {
            services.TryAddSingleton(_ => TelemetryTracerProvider.Create(telemetry, setup));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryExportService>());
        return services;
    }
}
