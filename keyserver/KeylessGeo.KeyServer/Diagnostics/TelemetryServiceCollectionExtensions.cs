using System.Diagnostics.Metrics;
using KeylessGeo.KeyServer.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>Registers OTLP export of the keyserver's metrics.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The resource attribute naming the keyserver's datacenter.</summary>
    public const string DatacenterAttribute = "keylessgeo.datacenter";

    // Seconds, 1-2.5-5 per decade from 10 µs (a cached Ed25519 signature) to 5 s (a deadline).
    private static readonly double[] LatencyBuckets =
    [
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ];

    /// <summary>
    /// Binds <see cref="TelemetryOptions"/> from the <c>Telemetry</c> section and, when an OTLP
    /// endpoint is configured there or in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, adds a
    /// <see cref="MeterProvider"/> exporting the <see cref="KeyServerInstruments.MeterName"/>
    /// meter. The provider is created when the host starts and flushed and disposed with the
    /// host's services. Without an endpoint no OpenTelemetry component is registered.
    /// </summary>
    public static IServiceCollection AddKeyServerTelemetry(this IServiceCollection services, IConfiguration configuration) =>
        AddKeyServerTelemetry(services, configuration, Environment.GetEnvironmentVariable(TelemetryOptions.EndpointEnvironmentVariable));

    internal static IServiceCollection AddKeyServerTelemetry(IServiceCollection services, IConfiguration configuration, string? environmentEndpoint)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(TelemetryOptions.SectionName);
        services.AddOptions<TelemetryOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());

        var telemetry = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.OtlpEndpoint.Length == 0 && string.IsNullOrWhiteSpace(environmentEndpoint))
        {
            return services;
        }

        var identity = configuration.GetSection(KeyServerOptions.SectionName).Get<KeyServerOptions>() ?? new KeyServerOptions();
        services.TryAddSingleton(_ => CreateMeterProvider(telemetry, identity));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryExportService>());
        return services;
    }

    private static MeterProvider CreateMeterProvider(TelemetryOptions telemetry, KeyServerOptions identity) =>
        Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty()
                .AddService(telemetry.ServiceName, serviceInstanceId: identity.Id, autoGenerateServiceInstanceId: false)
                .AddTelemetrySdk()
                .AddAttributes([new KeyValuePair<string, object>(DatacenterAttribute, identity.Datacenter)]))
            .AddMeter(KeyServerInstruments.MeterName)
            .AddView(LatencyHistogram)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Protocol = telemetry.OtlpProtocol == TelemetryOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                if (telemetry.OtlpEndpoint.Length > 0)
                {
                    exporter.Endpoint = ExporterEndpoint(telemetry);
                }

                // Otherwise the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT itself.
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)telemetry.ExportInterval.TotalMilliseconds;
            })
            .Build();

    /// <summary>
    /// The exporter's address. Like the standard environment variable, the configured endpoint is
    /// the collector's base address: OTLP/HTTP sends metrics to its <c>/v1/metrics</c> path.
    /// </summary>
    internal static Uri ExporterEndpoint(TelemetryOptions telemetry)
    {
        var endpoint = new Uri(telemetry.OtlpEndpoint, UriKind.Absolute);
        if (telemetry.OtlpProtocol == TelemetryOptions.Grpc || endpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal))
        {
            return endpoint;
        }

        var builder = new UriBuilder(endpoint);
        builder.Path = builder.Path.TrimEnd('/') + "/v1/metrics";
        return builder.Uri;
    }

    private static MetricStreamConfiguration? LatencyHistogram(Instrument instrument) =>
        instrument.Meter.Name == KeyServerInstruments.MeterName && instrument is Histogram<double> && instrument.Unit == "s"
            ? new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets }
            : null;
}
