using Google.Protobuf;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Methods;
using KeylessGeo.Rpc.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KeylessGeo.Rpc.Server;

/// <summary>Serves one unary method: reads exactly one request, runs the handler, writes one response and the status.</summary>
internal sealed class UnaryCallHandler<TRequest, TResponse>(
    RpcMethod<TRequest, TResponse> method,
    UnaryHandler<TRequest, TResponse> handler,
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

        RpcStatus status;
        try
        {
            var request = await ReadRequestAsync(http, context.CancellationToken).ConfigureAwait(false);
            var pending = handler(request, context);
            var response = pending.IsCompleted || !context.HasDeadlineTimer
                ? await pending.ConfigureAwait(false)
                : await CallHandlers.WaitWithDeadline(pending.AsTask(), context, logger).ConfigureAwait(false);
            // Check the size before the headers are set: an oversize response becomes a trailers-only
            // status, which adds the handler's headers itself.
            var size = response.CalculateSize();
            GrpcFrame.ThrowIfTooLarge(size, options.MaxSendMessageSize);
            ServerProtocol.PrepareResponse(http.Response, context.FreezeResponseHeaders());
            GrpcFrame.Write(http.Response.BodyWriter, response, size, options.MaxSendMessageSize);
            context.ResponseStarted = true;
            status = RpcStatus.Ok;
        }
        catch (Exception ex)
        {
            status = RpcStatusMapper.FromException(ex, context, options.EnableDetailedErrors, logger);
        }

        CallHandlers.Finish(http, context, status, logger);
    }

    private async ValueTask<TRequest> ReadRequestAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var frames = new GrpcMessageReader(http.Request.BodyReader, options.MaxReceiveMessageSize);
        if (!await frames.ReadNextAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(StatusCode.Internal, "The request stream ended without a request message.");
        }

        TRequest request;
        try
        {
            request = method.RequestParser.ParseFrom(frames.Payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"Failed to parse request message of type {method.RequestMessageName}: {ex.Message}");
        }
        finally
        {
            frames.Consume();
        }

        if (await frames.ReadNextAsync(cancellationToken).ConfigureAwait(false))
        {
            frames.Consume();
            throw new RpcException(StatusCode.Internal, "A unary call received more than one request message.");
        }

        return request;
    }
}
