using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Keyless;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Grpc;

/// <summary>Registers the keyserver's gRPC services on Grpc.AspNetCore.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds Grpc.AspNetCore with the limits of the <c>Grpc</c> section, the health service (SERVING
    /// for <c>""</c> and <c>keylessgeo.v1.KeyServer</c> until the keyserver begins to stop) and, when
    /// enabled, reflection; the connection limits (descriptor budget) the endpoints use, and the
    /// process-wide response budget <c>SignStream</c> responses count against. The endpoints and
    /// Kestrel's HTTP limits are set by the host (<see cref="GrpcKestrelLimits"/>).
    /// </summary>
    public static IServiceCollection AddKeyServerGrpc(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(GrpcOptions.SectionName);
        var options = section.Get<GrpcOptions>() ?? new GrpcOptions();
        services.AddOptions<GrpcOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcOptions>, GrpcOptionsValidator>());
        services.AddConnectionLimits();
        services.AddResponseBudget();
        services.TryAddSingleton<GrpcMetrics>();
        services.TryAddSingleton<SignStreamBudget>();

        // One instance for every call: Grpc.AspNetCore uses a registered service as it is instead of
        // constructing one per call.
        services.TryAddSingleton<KeyServerGrpcService>();
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = options.MaxSendMessageSize;
            grpc.EnableDetailedErrors = options.EnableDetailedErrors;
        });
        services.AddHealthChecks().AddCheck<KeyServerHealthCheck>(KeyServerHealthCheck.Name);
        services.AddGrpcHealthChecks(health =>
        {
            health.Services.Map("", _ => true);
            health.Services.Map(KeyServerMethods.ServiceName, _ => true);
        });
        if (options.EnableReflection)
        {
            services.AddGrpcReflection();
        }

        return services;
    }
}
