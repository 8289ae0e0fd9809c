using Google.Protobuf;
using KeylessGeo.Rpc.Methods;
using KeylessGeo.Rpc.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Server;

/// <summary>Serves one bidirectional streaming method.</summary>
internal sealed class DuplexCallHandler<TRequest, TResponse>(
    RpcMethod<TRequest, TResponse> method,
    DuplexStreamingHandler<TRequest, TResponse> handler,
    RpcServerOptions options,
    TimeProvider timeProvider,
    ILogger logger)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public async Task HandleAsync(HttpContext http)
    {
        using var context = CallHandlers.TryStart(http, method, timeProvider, logger);
        if (context is null)
        {
            return;
        }

        var requests = new RpcStreamReader<TRequest>(
            http.Request.BodyReader, method.RequestParser, method.RequestMessageName, options.MaxReceiveMessageSize, context.CancellationToken);
        var responses = new RpcStreamWriter<TResponse>(http, context, options, logger);
        RpcStatus status;
        try
        {
            var pending = handler(requests, responses, context);
            if (pending.IsCompleted || !context.HasDeadlineTimer)
            {
                await pending.ConfigureAwait(false);
            }
            else
            {
                await CallHandlers.WaitWithDeadline(pending, context, logger).ConfigureAwait(false);
            }

            status = RpcStatus.Ok;
        }
        catch (Exception ex)
        {
            status = RpcStatusMapper.FromException(ex, context, options.EnableDetailedErrors, logger);
        }

        await responses.CompleteAsync().ConfigureAwait(false);
        if (responses.FatalStatus is { } fatal)
        {
            status = fatal;
        }

        CallHandlers.Finish(http, context, status, logger);
    }
}
