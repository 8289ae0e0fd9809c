using KeylessGeo.Rpc.Contracts;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>Maps the keyserver's gRPC services onto the RPC layer.</summary>
public static class KeyServerEndpoints
{
    /// <summary>Maps <c>keylessgeo.v1.KeyServer</c> and <c>grpc.health.v1.Health</c>.</summary>
    public static IEndpointRouteBuilder MapKeyServer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var service = ActivatorUtilities.CreateInstance<KeyServerGrpcService>(endpoints.ServiceProvider);
        var health = ActivatorUtilities.CreateInstance<HealthGrpcService>(endpoints.ServiceProvider);
        endpoints.MapRpcUnary(KeyServerMethods.Sign, service.SignAsync);
        endpoints.MapRpcDuplex(KeyServerMethods.SignStream, service.SignStreamAsync);
        endpoints.MapRpcUnary(KeyServerMethods.GetCapacity, service.GetCapacityAsync);
        endpoints.MapRpcUnary(HealthMethods.Check, health.CheckAsync);
        return endpoints;
    }
}
