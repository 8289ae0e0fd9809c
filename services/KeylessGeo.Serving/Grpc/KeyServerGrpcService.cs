using System.Runtime.CompilerServices;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Serving.Discovery;
using KeylessGeo.Serving.Hosting;
using KeylessGeo.Serving.Signing;
using KeylessGeo.Serving.Tracing;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// <c>keylessgeo.v1.KeyServer</c> on Grpc.AspNetCore: a thin adapter onto
/// <see cref="ISigningService"/>. Per-request failures travel inside <see cref="SignResponse"/>;
/// on <c>SignStream</c> requests run concurrently and responses go out in completion order through
/// one <see cref="SignStreamWriter"/>, each counted against the process-wide response budget
/// (<see cref="SignStreamBudget"/>) from the moment its request is read until it is flushed.
/// </summary>
internal sealed class KeyServerGrpcService(
    ISigningService signing, SignStreamBudget budget, ServingIdentity identity, IOptions<GrpcOptions> grpc, TimeProvider time, IKeyserverWatch? keyservers = null) : KeyServerServiceBase
{
    private const string TraceparentHeader = "traceparent";
    private const string TracestateHeader = "tracestate";

    private readonly ServedBy _servedBy = identity.ToServedBy();
    private readonly int _responseQueueCapacity = grpc.Value.ResponseQueueCapacity;

    public override Task<SignResponse> Sign(SignRequest request, ServerCallContext context)
    {
        var deadline = DeadlineFor(request, context.Deadline);
        if (request.Traceparent.Length == 0 && SigningTrace.Enabled && context.RequestHeaders.GetValue(TraceparentHeader) is { } traceparent)
        {
            // A unary call may carry its trace in metadata, as gRPC clients with tracing do.
            request.Traceparent = traceparent;
            request.Tracestate = context.RequestHeaders.GetValue(TracestateHeader) ?? "";
        }

        return (IsForwarded(context)
            ? signing.SignForwardedAsync(request, deadline, context.CancellationToken)
            : signing.SignAsync(request, deadline, context.CancellationToken)).AsTask();
    }

    public override Task<Contracts.V1.Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context)
        => Task.FromResult(signing.GetCapacity());

    public override async Task WatchKeyservers(WatchKeyserversRequest request, IServerStreamWriter<KeyserverList> responseStream, ServerCallContext context)
    {
        if (keyservers is null)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "This keyserver does not list keyservers."));
        }

        await foreach (var list in keyservers.WatchAsync(request, context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(list, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task SignStream(
        IAsyncStreamReader<StreamedSignRequest> requestStream, IServerStreamWriter<SignResponse> responseStream, ServerCallContext context)
    {
        using var account = budget.Open(context.CancellationToken);
        var cancellation = account.Token;
        var writer = new SignStreamWriter(responseStream, _responseQueueCapacity, account.Account, cancellation);
        try
        {
            await ServeAsync(requestStream, writer, account, context.Deadline, IsForwarded(context), cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (account.OverShare)
        {
            // The budget's sweeper ended the stream: it held more than its share while others waited.
            budget.Reset(context, account);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The client reset the stream or went away (a read of its body or a write of ours failed):
            // Kestrel may surface that before the call's token is cancelled, and Grpc.AspNetCore would
            // then log a server error for what is the client's doing.
            throw new RpcException(new Status(StatusCode.Cancelled, "The client ended the stream.", ex));
        }
        finally
        {
            // Nothing may be released into the account once it is closed (at the end of this scope).
            writer.Close();
        }
    }

    private async Task ServeAsync(
        IAsyncStreamReader<StreamedSignRequest> requestStream, SignStreamWriter writer, SignStreamAccount account, DateTime callDeadline, bool forwarded,
        CancellationToken cancellation)
    {
        var pending = new PendingResponses();
        try
        {
            while (await requestStream.MoveNext(cancellation).ConfigureAwait(false))
            {
                var message = requestStream.Current;

                // Reserved before the core sees the request; while the budget refuses, no further
                // request is read and HTTP/2 flow control holds the client back.
                var cost = SignStreamBudget.Cost(message.Size);
                await account.ReserveAsync(cost, cancellation).ConfigureAwait(false);
                if (message.Request is not { } request)
                {
                    // The message's id is unreadable: answer with id 0 and keep the stream going.
                    await writer.EnqueueAsync(Malformed(message.Error!), cost).ConfigureAwait(false);
                    continue;
                }

                var deadline = DeadlineFor(request, callDeadline);
                var response = forwarded ? signing.SignForwardedAsync(request, deadline, cancellation) : signing.SignAsync(request, deadline, cancellation);
                if (!response.IsCompletedSuccessfully)
                {
                    pending.Add();
                    _ = EnqueueWhenDoneAsync(response, cost, writer, pending);
                    continue;
                }

                var answered = response.Result;
                await writer.EnqueueAsync(answered, cost).ConfigureAwait(false);
                if (answered.OutcomeCase == SignResponse.OutcomeOneofCase.Error && answered.Error.Code == ErrorCode.Overloaded)
                {
                    // Read no further until a worker frees up: a flooding client then meets HTTP/2
                    // flow control instead of an endless stream of rejections.
                    await signing.WhenCapacityFreesAsync(cancellation).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // Every request read gets its response before the call completes.
            await pending.DrainAsync().ConfigureAwait(false);
        }

        await writer.CompleteAsync().ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask EnqueueWhenDoneAsync(ValueTask<SignResponse> response, int cost, SignStreamWriter writer, PendingResponses pending)
    {
        try
        {
            var result = await response.ConfigureAwait(false);
            await writer.EnqueueAsync(result, cost).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The call was cancelled or writing failed (the client went away): nobody is left to read
            // this response (its reservation goes back when the stream's account closes).
        }
        finally
        {
            pending.Done();
        }
    }

    /// <summary>True for a call another region's keyserver forwarded here (it is answered in this region, never forwarded on).</summary>
    private static bool IsForwarded(ServerCallContext context) => context.RequestHeaders.Get(ForwardingHeaders.ForwardedBy) is not null;

    private DateTimeOffset? DeadlineFor(SignRequest request, DateTime callDeadline)
    {
        // Grpc.AspNetCore reports "no deadline" as DateTime.MaxValue.
        DateTimeOffset? call = callDeadline == DateTime.MaxValue ? null : new DateTimeOffset(callDeadline, TimeSpan.Zero);
        if (request.TimeoutMs == 0)
        {
            return call;
        }

        var own = time.GetUtcNow().AddMilliseconds(request.TimeoutMs);
        return call is { } value && value < own ? value : own;
    }

    private SignResponse Malformed(string error) => new()
    {
        Id = 0,
        Error = new SignError { Code = ErrorCode.BadRequest, Message = error },
        ServedBy = _servedBy,
    };
}
