using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace KeylessGeo.Telemetry;

/// <summary>
/// Builds the one <see cref="MeterProvider"/> of a process: the configured meters, latency
/// histograms with fixed buckets, OTLP export when an endpoint is set and the Prometheus
/// exporter when the scrape endpoint is enabled.
/// </summary>
internal static class TelemetryMeterProvider
{
    // Seconds, 1-2.5-5 per decade from 10 µs (a cached Ed25519 signature) to 5 s (a deadline).
    private static readonly double[] LatencyBuckets =
    [
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ];

    /// <summary>True when there is anything to export: an OTLP endpoint or the scrape endpoint.</summary>
    public static bool IsNeeded(TelemetryOptions telemetry, string? environmentEndpoint) =>
        telemetry.Prometheus.Enabled || OtlpTarget.IsConfigured(telemetry, environmentEndpoint);

    /// <summary>
    /// The provider for the meters of <paramref name="setup"/> that <paramref name="meterFactory"/>
    /// (the host's) created, or that no factory created.
    /// </summary>
    public static MeterProvider Create(TelemetryOptions telemetry, TelemetrySetup setup, string? environmentEndpoint, IMeterFactory meterFactory)
    {
        var meters = new HashSet<string>(setup.MeterNames, StringComparer.Ordinal);
        var builder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(TelemetryResource.Create(telemetry, setup))
            .AddMeter([.. setup.MeterNames])
            .AddView(instrument => Configure(instrument, meters, meterFactory));
        if (OtlpTarget.IsConfigured(telemetry, environmentEndpoint))
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                OtlpTarget.Configure(exporter, telemetry, OtlpTarget.MetricsPath);
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)telemetry.ExportInterval.TotalMilliseconds;
            });
        }

        if (telemetry.Prometheus.Enabled)
        {
            builder.AddPrometheusExporter(prometheus =>
            {
                // Each scrape collects afresh: the endpoint is local and scraped every few seconds
                // at most, and a cached answer would hide a change made just before the scrape.
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        }

        return builder.Build();
    }

    private static MetricStreamConfiguration? Configure(Instrument instrument, HashSet<string> meters, IMeterFactory meterFactory)
    {
        // Meters are matched by name across the whole process: a second host in the same process
        // (tests, an embedder) has meters of the same name from its own factory. Keep only ours.
        if (instrument.Meter.Scope is IMeterFactory scope && !ReferenceEquals(scope, meterFactory))
        {
            return MetricStreamConfiguration.Drop;
        }

        return meters.Contains(instrument.Meter.Name) && instrument is Histogram<double> && instrument.Unit == "s"
            ? new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets }
            : null;
    }
}
