using Google.Protobuf;
using KeylessGeo.Rpc.Methods;
using KeylessGeo.Rpc.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps RPC methods to endpoints.</summary>
public static class RpcEndpointRouteBuilderExtensions
{
    private const string LoggerCategory = "KeylessGeo.Rpc.Server";

    /// <summary>Maps a unary method. The first mapping also adds the UNIMPLEMENTED fallback for unknown paths.</summary>
    public static IEndpointConventionBuilder MapRpcUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        RpcMethod<TRequest, TResponse> method,
        UnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (method.Type != RpcMethodType.Unary)
        {
            throw new ArgumentException($"{method.FullName} is {method.Type}, not Unary.", nameof(method));
        }

        var (options, time, logger) = Prepare(endpoints, method);
        var call = new UnaryCallHandler<TRequest, TResponse>(method, handler, options, time, logger);
        return endpoints.MapPost(method.FullName, (RequestDelegate)call.HandleAsync).WithMetadata(method).WithDisplayName("gRPC " + method.FullName);
    }

    /// <summary>Maps a bidirectional streaming method. The first mapping also adds the UNIMPLEMENTED fallback.</summary>
    public static IEndpointConventionBuilder MapRpcDuplex<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        RpcMethod<TRequest, TResponse> method,
        DuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (method.Type != RpcMethodType.DuplexStreaming)
        {
            throw new ArgumentException($"{method.FullName} is {method.Type}, not DuplexStreaming.", nameof(method));
        }

        var (options, time, logger) = Prepare(endpoints, method);
        var call = new DuplexCallHandler<TRequest, TResponse>(method, handler, options, time, logger);
        return endpoints.MapPost(method.FullName, (RequestDelegate)call.HandleAsync).WithMetadata(method).WithDisplayName("gRPC " + method.FullName);
    }

    private static (RpcServerOptions Options, TimeProvider Time, ILogger Logger) Prepare(IEndpointRouteBuilder endpoints, RpcMethod method)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var registry = services.GetService<RpcServiceRegistry>()
            ?? throw new InvalidOperationException("The RPC server is not registered: call services.AddRpcServer() first.");
        var options = services.GetRequiredService<IOptions<RpcServerOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        registry.Register(method);
        if (registry.TryClaimFallback())
        {
            var fallback = new UnimplementedCallHandler(registry, logger);
            endpoints.MapPost("/{service}/{method}", (RequestDelegate)fallback.HandleAsync)
                .WithDisplayName("gRPC unimplemented fallback")
                .WithOrder(int.MaxValue);
        }

        return (options, time, logger);
    }
}
