using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KeylessGeo.Telemetry;

/// <summary>
/// Creates the <see cref="MeterProvider"/> (and the <see cref="TracerProvider"/>, if any) when the
/// host starts, so export (and the scrape
/// endpoint's collection) begins with the host. The provider is a singleton of the host's
/// services: disposing them (after the server has drained) sends the last values over OTLP and
/// stops the exporters.
/// </summary>
internal sealed class TelemetryExportService(MeterProvider meterProvider, IEnumerable<TracerProvider> tracerProviders) : IHostedService
{
    /// <summary>The provider this service started; held so it is created with the host.</summary>
    public MeterProvider MeterProvider { get; } = meterProvider;

    /// <summary>The trace provider this service started, when traces are exported.</summary>
    public TracerProvider? TracerProvider { get; } = tracerProviders.FirstOrDefault();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
