using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace KeylessGeo.Telemetry;

/// <summary>
/// Creates the <see cref="MeterProvider"/> when the host starts, so export (and the scrape
/// endpoint's collection) begins with the host. The provider is a singleton of the host's
/// services: disposing them (after the server has drained) sends the last values over OTLP and
/// stops the exporters.
/// </summary>
internal sealed class TelemetryExportService(MeterProvider meterProvider) : IHostedService
{
    /// <summary>The provider this service started; held so it is created with the host.</summary>
    public MeterProvider MeterProvider { get; } = meterProvider;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
