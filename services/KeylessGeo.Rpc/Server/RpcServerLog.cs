using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Server;

/// <summary>Log messages of the RPC server.</summary>
internal static partial class RpcServerLog
{
    [LoggerMessage(EventId = 1, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "Handler for {Method} threw an unhandled exception.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2, EventName = "ResponseWriteFailed", Level = LogLevel.Debug, Message = "Writing responses of {Method} failed; the client is gone.")]
    public static partial void ResponseWriteFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 3, EventName = "CallRejected", Level = LogLevel.Debug, Message = "Call to {Path} rejected with HTTP {HttpStatus} / grpc-status {GrpcStatus}.")]
    public static partial void CallRejected(ILogger logger, string path, int httpStatus, string? grpcStatus);

    [LoggerMessage(EventId = 4, EventName = "DeadlineExceeded", Level = LogLevel.Debug, Message = "Deadline of {Method} exceeded.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 5, EventName = "UnimplementedMethod", Level = LogLevel.Debug, Message = "Unimplemented method {Path}.")]
    public static partial void UnimplementedMethod(ILogger logger, string path);

    [LoggerMessage(EventId = 6, EventName = "AbandonedHandlerFailed", Level = LogLevel.Debug, Message = "Handler for {Method} failed after its call had ended.")]
    public static partial void AbandonedHandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 7, EventName = "ResponseWriterFaulted", Level = LogLevel.Error, Message = "The response writer of {Method} failed while the client was still connected.")]
    public static partial void ResponseWriterFaulted(ILogger logger, string method, Exception exception);
}
