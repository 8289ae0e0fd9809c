using KeylessGeo.Rpc.Methods;
using KeylessGeo.Rpc.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Server;

/// <summary>Helpers shared by the call handlers.</summary>
internal static class CallHandlers
{
    /// <summary>
    /// Checks the request is a gRPC call this server accepts (answering it otherwise) and, if
    /// so, creates its context with the deadline from <c>grpc-timeout</c>.
    /// </summary>
    public static RpcCallContext? TryStart(HttpContext http, RpcMethod method, TimeProvider timeProvider, ILogger logger)
    {
        if (!ServerProtocol.TryAccept(http, out var timeout))
        {
            RpcServerLog.CallRejected(logger, method.FullName, http.Response.StatusCode, http.Response.Headers["grpc-status"]);
            return null;
        }

        return new RpcCallContext(http, method, timeout, timeProvider);
    }

    /// <summary>Ends the call with <paramref name="status"/> (trailers, or trailers-only).</summary>
    public static void Finish(HttpContext http, RpcCallContext context, RpcStatus status, ILogger logger)
    {
        if (status.Code == StatusCode.DeadlineExceeded)
        {
            RpcServerLog.DeadlineExceeded(logger, context.Method.FullName);
        }

        ServerProtocol.WriteStatus(http, context, status);
    }

    /// <summary>
    /// Waits for the handler, or until the deadline passes: then the call ends with
    /// DEADLINE_EXCEEDED even if the handler ignores its cancelled token. A handler left
    /// running has its failure observed and logged.
    /// </summary>
    public static async Task<T> WaitWithDeadline<T>(Task<T> handler, RpcCallContext context, ILogger logger)
    {
        try
        {
            return await handler.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!handler.IsCompleted)
        {
            context.Abandon();
            Observe(handler, context.Method.FullName, logger);
            throw;
        }
    }

    /// <inheritdoc cref="WaitWithDeadline{T}(Task{T}, RpcCallContext, ILogger)"/>
    public static async Task WaitWithDeadline(Task handler, RpcCallContext context, ILogger logger)
    {
        try
        {
            await handler.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!handler.IsCompleted)
        {
            context.Abandon();
            Observe(handler, context.Method.FullName, logger);
            throw;
        }
    }

    private static void Observe(Task handler, string method, ILogger logger)
        => handler.ContinueWith(
            static (task, state) =>
            {
                var (name, log) = ((string, ILogger))state!;
                if (task.Exception is { } ex)
                {
                    RpcServerLog.AbandonedHandlerFailed(log, name, ex);
                }
            },
            (method, logger),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
