using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Grpc;

/// <summary>Maps the keyserver's gRPC services.</summary>
public static class KeyServerEndpoints
{
    /// <summary>
    /// Maps <c>keylessgeo.v1.KeyServer</c>, <c>grpc.health.v1.Health</c> and, when
    /// <see cref="GrpcOptions.EnableReflection"/> is on, gRPC reflection. Any other method is
    /// UNIMPLEMENTED.
    /// </summary>
    public static IEndpointRouteBuilder MapKeyServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<KeyServerGrpcService>();
        endpoints.MapGrpcHealthChecksService();
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<GrpcOptions>>().Value.EnableReflection)
        {
            endpoints.MapGrpcReflectionService();
        }

        return endpoints;
    }
}
