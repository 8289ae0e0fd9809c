using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.Serving.Grpc;
using KeylessGeo.Serving.Tracing;
using KeylessGeo.Telemetry;
using KeylessGeo.Telemetry.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>Registers the keyserver's metrics export, its state gauges and its health checks.</summary>
public static class KeyServerTelemetryServiceCollectionExtensions
{
    /// <summary>The resource attribute naming the keyserver's datacenter.</summary>
    public const string DatacenterAttribute = "keylessgeo.datacenter";

    /// <summary>The default <c>service.name</c>.</summary>
    public const string ServiceName = "keylessgeo-keyserver";

    /// <summary>
    /// Adds the telemetry library (<see cref="KeylessGeo.Telemetry.TelemetryServiceCollectionExtensions.AddKeylessGeoTelemetry(IServiceCollection, IConfiguration, TelemetrySetup)"/>)
    /// for the <see cref="KeyServerInstruments.MeterName"/> meter, named by the keyserver's id and
    /// datacenter; the gauges of admission control and key counts; and the keyserver's health
    /// checks: readiness = host started, not stopping, keys loaded, silo joined (in cluster mode);
    /// liveness = process answering, admission workers not stuck.
    /// </summary>
    public static IServiceCollection AddKeyServerTelemetry(this IServiceCollection services, IConfiguration configuration) =>
        AddKeyServerTelemetry(services, configuration, Environment.GetEnvironmentVariable(TelemetryOptions.EndpointEnvironmentVariable));

    internal static IServiceCollection AddKeyServerTelemetry(IServiceCollection services, IConfiguration configuration, string? environmentEndpoint)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var identity = configuration.GetSection(KeyServerOptions.SectionName).Get<KeyServerOptions>() ?? new KeyServerOptions();
        var setup = new TelemetrySetup
        {
            ServiceName = ServiceName,
            ServiceInstanceId = identity.Id,
            MeterNames = [KeyServerInstruments.MeterName],
            ActivitySourceNames = [SigningTrace.SourceName],
            ResourceAttributes = new Dictionary<string, object> { [DatacenterAttribute] = identity.Datacenter },
        };
        KeylessGeo.Telemetry.TelemetryServiceCollectionExtensions.AddKeylessGeoTelemetry(services, configuration, setup, environmentEndpoint);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KeyServerStateMetrics>());
        services.AddHealthChecks()
            .AddCheck<KeyIndexHealthCheck>(KeyIndexHealthCheck.Name, tags: [HealthTags.Ready])
            .AddCheck<SiloJoinedHealthCheck>(SiloJoinedHealthCheck.Name, tags: [HealthTags.Ready])
            .AddCheck<AdmissionProgressHealthCheck>(AdmissionProgressHealthCheck.Name, tags: [HealthTags.Live]);

        // The gRPC layer's check (unhealthy once stopping, so traffic drains) is readiness too.
        services.Configure<HealthCheckServiceOptions>(health =>
        {
            foreach (var registration in health.Registrations)
            {
                if (registration.Name == KeyServerHealthCheck.Name)
                {
                    registration.Tags.Add(HealthTags.Ready);
                }
            }
        });
        services.KeepGrpcHealthToItsOwnChecks();
        return services;
    }
}
