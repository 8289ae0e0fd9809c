using KeylessGeo.Telemetry.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KeylessGeo.Telemetry.Endpoint;

/// <summary>Serves the telemetry endpoint's paths in the request pipeline.</summary>
public static class TelemetryEndpointExtensions
{
    /// <summary>
    /// Call first in the pipeline. Every request that arrived on the telemetry endpoint
    /// (<see cref="TelemetryKestrelExtensions.ListenTelemetry"/>) is answered here and goes no
    /// further: <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>, and 404 for anything else, so
    /// no service method is reachable on it. Requests on other endpoints pass through untouched
    /// (and find no telemetry path there). Logs the bound address once the server has started.
    /// </summary>
    public static IApplicationBuilder UseTelemetryEndpoint(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var options = services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (!options.Prometheus.Enabled)
        {
            return app;
        }

        var meterProvider = services.GetRequiredService<MeterProvider>();
        app.MapWhen(TelemetryConnectionMark.IsMarked, branch =>
        {
            branch.UseOpenTelemetryPrometheusScrapingEndpoint(
                meterProvider,
                predicate: context => context.Request.Path == TelemetryEndpointPaths.Metrics,
                path: null,
                configureBranchedPipeline: null,
                optionsName: null);
            branch.UseHealthChecks(TelemetryEndpointPaths.Healthz, HealthOptions(HealthTags.Live));
            branch.UseHealthChecks(TelemetryEndpointPaths.Readyz, HealthOptions(HealthTags.Ready));
            branch.Run(static context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });

        var state = services.GetRequiredService<TelemetryEndpointState>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TelemetryEndpointExtensions).Namespace!);
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => TelemetryLog.Listening(
            logger, state.BaseAddress?.ToString() ?? "?", TelemetryEndpointPaths.Metrics, TelemetryEndpointPaths.Healthz, TelemetryEndpointPaths.Readyz));
        return app;
    }

    private static HealthCheckOptions HealthOptions(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = PlainTextHealthResponse.WriteAsync,
        AllowCachingResponses = false,
    };
}
