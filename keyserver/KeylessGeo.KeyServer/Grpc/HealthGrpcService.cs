using KeylessGeo.Contracts.Health.V1;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Server;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>
/// <c>grpc.health.v1.Health/Check</c>: SERVING while the keyserver runs, NOT_SERVING once it
/// has begun to stop, so load balancers drain it before its connections close.
/// </summary>
internal sealed class HealthGrpcService(IHostApplicationLifetime lifetime)
{
    public ValueTask<HealthCheckResponse> CheckAsync(HealthCheckRequest request, RpcCallContext context)
    {
        if (request.Service.Length > 0 && request.Service != KeyServerMethods.ServiceName)
        {
            throw new RpcException(StatusCode.NotFound, $"unknown service '{request.Service}'");
        }

        var status = lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResponse.Types.ServingStatus.NotServing
            : HealthCheckResponse.Types.ServingStatus.Serving;
        return ValueTask.FromResult(new HealthCheckResponse { Status = status });
    }
}
