using Grpc.AspNetCore.HealthChecks;
using KeylessGeo.Serving.Grpc;
using KeylessGeo.Telemetry.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>
/// Keeps <c>grpc.health.v1</c> as it was before <c>/healthz</c> and <c>/readyz</c>: it runs the
/// gRPC layer's own check (SERVING until the keyserver begins to stop) and no check registered
/// only for the telemetry endpoint. Otherwise its periodic publisher would run every readiness
/// check every 30 s, and the health-check service logs each unhealthy one as an error.
/// </summary>
internal static class GrpcHealthScope
{
    public static IServiceCollection KeepGrpcHealthToItsOwnChecks(this IServiceCollection services)
    {
        services.PostConfigure<GrpcHealthChecksOptions>(options =>
        {
            foreach (var mapping in options.Services.ToList())
            {
                if (mapping.HealthCheckPredicate is { } runs)
                {
                    options.Services.Remove(mapping.Name);
                    options.Services.Map(mapping.Name, context => runs(context) && IsGrpcCheck(context.Name, context.Tags));
                }
            }
        });
        services.PostConfigure<HealthCheckPublisherOptions>(options =>
        {
            var previous = options.Predicate;
            options.Predicate = registration => (previous?.Invoke(registration) ?? true) && IsGrpcCheck(registration.Name, registration.Tags);
        });
        return services;
    }

    private static bool IsGrpcCheck(string name, IEnumerable<string> tags) =>
        name == KeyServerHealthCheck.Name || !tags.Any(tag => tag is HealthTags.Live or HealthTags.Ready);
}
