using OpenTelemetry;
using OpenTelemetry.Trace;

namespace KeylessGeo.Telemetry;

/// <summary>
/// Builds the one <see cref="TracerProvider"/> of a process: the program's activity sources,
/// sampled by the caller's decision when a request carries a trace context and by
/// <see cref="TracingOptions.SampleRatio"/> otherwise, exported over OTLP.
/// </summary>
internal static class TelemetryTracerProvider
{
    // Spans wait at most this long in the exporter's batch; metrics keep their own interval.
    private static readonly TimeSpan MaxBatchDelay = TimeSpan.FromSeconds(5);

    /// <summary>True when spans are to be exported: OTLP configured, tracing enabled, sources named.</summary>
    public static bool IsNeeded(TelemetryOptions telemetry, TelemetrySetup setup, string? environmentEndpoint) =>
        telemetry.Tracing.Enabled && setup.ActivitySourceNames.Count > 0 && OtlpTarget.IsConfigured(telemetry, environmentEndpoint);

    public static TracerProvider Create(TelemetryOptions telemetry, TelemetrySetup setup)
    {
        var delay = telemetry.ExportInterval < MaxBatchDelay ? telemetry.ExportInterval : MaxBatchDelay;
        return Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(TelemetryResource.Create(telemetry, setup))
            .AddSource([.. setup.ActivitySourceNames])
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(telemetry.Tracing.SampleRatio)))
            .AddOtlpExporter(exporter =>
            {
                OtlpTarget.Configure(exporter, telemetry, OtlpTarget.TracesPath);
                exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)delay.TotalMilliseconds;
            })
            .Build();
    }
}
