using KeylessGeo.Rpc.Status;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Server;

/// <summary>The one place where exceptions from handlers and the transport become a status.</summary>
internal static class RpcStatusMapper
{
    public static RpcStatus FromException(Exception exception, RpcCallContext context, bool detailedErrors, ILogger logger)
    {
        if (exception is RpcException rpc)
        {
            return rpc.Status;
        }

        if (context.DeadlineExceeded)
        {
            return new RpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }

        if (context.ClientCancelled)
        {
            return new RpcStatus(StatusCode.Cancelled, "Call cancelled by the client.");
        }

        if (exception is OperationCanceledException)
        {
            return new RpcStatus(StatusCode.Cancelled, "Call cancelled.");
        }

        RpcServerLog.HandlerFailed(logger, context.Method.FullName, exception);
        return new RpcStatus(
            StatusCode.Unknown,
            detailedErrors
                ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                : "Exception was thrown by handler.");
    }
}
