using KeylessGeo.Contracts.Health.V1;
using KeylessGeo.Rpc.Methods;

namespace KeylessGeo.Rpc.Contracts;

/// <summary>Method descriptors of the standard <c>grpc.health.v1.Health</c> service.</summary>
public static class HealthMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "grpc.health.v1.Health";

    /// <summary>Unary <c>Check</c>.</summary>
    public static readonly RpcMethod<HealthCheckRequest, HealthCheckResponse> Check =
        new(RpcMethodType.Unary, ServiceName, "Check", HealthCheckRequest.Parser, HealthCheckResponse.Parser);
}
