using KeylessGeo.Rpc.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Server;

/// <summary>Answers gRPC calls to unknown services and methods with a trailers-only UNIMPLEMENTED.</summary>
internal sealed class UnimplementedCallHandler(RpcServiceRegistry registry, ILogger logger)
{
    public Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? string.Empty;
        if (!ServerProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var service = http.Request.RouteValues["service"] as string ?? string.Empty;
        var methodName = http.Request.RouteValues["method"] as string ?? string.Empty;
        var detail = registry.IsKnownService(service)
            ? $"Method '{methodName}' is unimplemented by service '{service}'."
            : $"Service '{service}' is unimplemented.";
        RpcServerLog.UnimplementedMethod(logger, path);
        ServerProtocol.WriteTrailersOnly(http.Response, new RpcStatus(StatusCode.Unimplemented, detail), null, null);
        return Task.CompletedTask;
    }
}
