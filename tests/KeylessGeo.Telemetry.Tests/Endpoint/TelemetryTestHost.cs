using System.Net;
using KeylessGeo.Telemetry.Endpoint;
using KeylessGeo.Telemetry.Health;
using KeylessGeo.Transport.Kestrel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Telemetry.Tests.Endpoint;

/// <summary>
/// A minimal service using the library as a program would: a "service" endpoint on a free
/// loopback port answering <c>/service</c>, and the telemetry endpoint on another free port, with
/// a readiness check the test opens and closes.
/// </summary>
internal sealed class TelemetryTestHost : IAsyncDisposable
{
    public const string MeterName = "KeylessGeo.Telemetry.Tests";
    public const string GateName = "gate";

    private readonly WebApplication _app;

    private TelemetryTestHost(WebApplication app, HealthGate gate)
    {
        _app = app;
        Gate = gate;
    }

    public HealthGate Gate { get; }

    public IServiceProvider Services => _app.Services;

    public TelemetryEndpointState Telemetry => _app.Services.GetRequiredService<TelemetryEndpointState>();

    /// <summary>The service endpoint's base address.</summary>
    public Uri ServiceAddress => _app.Services.GetRequiredService<IServer>().GetBoundAddresses()
        .Single(address => address.Port != Telemetry.EndPoint?.Port);

    public static async Task<TelemetryTestHost> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var gate = new HealthGate();
        var state = new TelemetryEndpointState();
        builder.Services.AddSingleton(state);
        builder.Services.AddKeylessGeoTelemetry(builder.Configuration, new TelemetrySetup { ServiceName = "telemetry-tests", MeterNames = [MeterName] });
        builder.Services.AddHealthChecks().AddCheck(GateName, gate, tags: [HealthTags.Ready]);
        var prometheus = builder.Configuration.GetSection(PrometheusOptions.SectionName).Get<PrometheusOptions>() ?? new PrometheusOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.ListenTelemetry(prometheus, state);
        });
        var app = builder.Build();
        app.UseTelemetryEndpoint();
        app.MapGet("/service", () => "service");
        await app.StartAsync(cancellationToken);
        return new TelemetryTestHost(app, gate);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>A readiness check that is unhealthy until opened.</summary>
    internal sealed class HealthGate : IHealthCheck
    {
        private volatile bool _open;

        public void Open() => _open = true;

        public void Close() => _open = false;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(_open ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("held by the test"));
    }
}
