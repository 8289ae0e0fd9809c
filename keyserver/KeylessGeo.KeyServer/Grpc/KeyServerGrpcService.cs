using System.Runtime.CompilerServices;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Configuration;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Rpc.Server;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Grpc;

/// <summary>
/// <c>keylessgeo.v1.KeyServer</c> over the RPC layer: a thin adapter onto
/// <see cref="ISigningService"/>. Per-request failures travel inside <see cref="SignResponse"/>;
/// on <c>SignStream</c> requests run concurrently and responses go out in completion order.
/// </summary>
internal sealed class KeyServerGrpcService(ISigningService signing, IOptions<KeyServerOptions> options, TimeProvider time)
{
    private readonly ServedBy _servedBy = new() { KeyserverId = options.Value.Id, Datacenter = options.Value.Datacenter };

    public ValueTask<SignResponse> SignAsync(SignRequest request, RpcCallContext context)
        => signing.SignAsync(request, DeadlineFor(request, context.Deadline), context.CancellationToken);

    public ValueTask<Contracts.V1.Capacity> GetCapacityAsync(GetCapacityRequest request, RpcCallContext context)
        => ValueTask.FromResult(signing.GetCapacity());

    public async Task SignStreamAsync(RpcStreamReader<SignRequest> requests, RpcStreamWriter<SignResponse> responses, RpcCallContext context)
    {
        var pending = new PendingResponses();
        var cancellation = context.CancellationToken;
        try
        {
            while (true)
            {
                var read = await requests.ReadAsync(cancellation).ConfigureAwait(false);
                if (read.Kind == RpcReadKind.Completed)
                {
                    break;
                }

                if (read.Kind == RpcReadKind.Malformed)
                {
                    // The message's id is unreadable: answer with id 0 and keep the stream going.
                    await responses.WriteAsync(Malformed(read.Error!), cancellation).ConfigureAwait(false);
                    continue;
                }

                var request = read.Message!;
                var response = signing.SignAsync(request, DeadlineFor(request, context.Deadline), cancellation);
                if (response.IsCompletedSuccessfully)
                {
                    var answered = response.Result;
                    await responses.WriteAsync(answered, cancellation).ConfigureAwait(false);
                    if (answered.OutcomeCase == SignResponse.OutcomeOneofCase.Error && answered.Error.Code == ErrorCode.Overloaded)
                    {
                        // Read no further until a worker frees up: a flooding client then meets
                        // HTTP/2 flow control instead of an endless stream of rejections.
                        await signing.WhenCapacityFreesAsync(cancellation).ConfigureAwait(false);
                    }
                }
                else
                {
                    pending.Add();
                    _ = WriteWhenDoneAsync(response, responses, pending, cancellation);
                }
            }
        }
        finally
        {
            // Every request read gets its response before the call completes.
            await pending.DrainAsync().ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask WriteWhenDoneAsync(
        ValueTask<SignResponse> response, RpcStreamWriter<SignResponse> responses, PendingResponses pending, CancellationToken cancellation)
    {
        try
        {
            var result = await response.ConfigureAwait(false);
            await responses.WriteAsync(result, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // The call was cancelled or has ended: nobody is left to read this response.
        }
        finally
        {
            pending.Done();
        }
    }

    private DateTimeOffset? DeadlineFor(SignRequest request, DateTimeOffset? callDeadline)
    {
        if (request.TimeoutMs == 0)
        {
            return callDeadline;
        }

        var own = time.GetUtcNow().AddMilliseconds(request.TimeoutMs);
        return callDeadline is { } call && call < own ? call : own;
    }

    private SignResponse Malformed(string error) => new()
    {
        Id = 0,
        Error = new SignError { Code = ErrorCode.BadRequest, Message = error },
        ServedBy = _servedBy,
    };
}
