using Google.Protobuf;
using KeylessGeo.Contracts.Health.V1;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Server;
using KeylessGeo.Rpc.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace KeylessGeo.Testing;

/// <summary>
/// A KeyServer with fake logic for transport tests: the result is the reversed payload.
/// Special key ids: <c>unknown</c> (KEY_NOT_FOUND), <c>throw</c> (handler exception),
/// <c>rpc-error</c> (RpcException with a non-ASCII detail), <c>wait-for-cancel</c> (waits for
/// the call's cancellation), <c>big-response</c> (a 5 MiB result). Request metadata whose key
/// starts with <c>x-echo</c> is echoed as response headers and trailers.
/// </summary>
public sealed class FakeKeyServer
{
    /// <summary>The detail of the <c>rpc-error</c> key's status.</summary>
    public const string RpcErrorDetail = "Schlüssel 100% ungültig ✓ (key invalid)";

    /// <summary>Completes when a <c>wait-for-cancel</c> handler started waiting.</summary>
    public TaskCompletionSource HandlerWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a <c>wait-for-cancel</c> handler saw its token cancelled; the value tells whether the deadline timer (not the client) ended the call.</summary>
    public TaskCompletionSource<bool> HandlerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Malformed messages reported to the SignStream handler.</summary>
    public int MalformedMessages => _malformed;

    private int _malformed;

    /// <summary>Maps Sign, SignStream, GetCapacity and Health/Check.</summary>
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRpcUnary(KeyServerMethods.Sign, SignAsync);
        endpoints.MapRpcDuplex(KeyServerMethods.SignStream, SignStreamAsync);
        endpoints.MapRpcUnary(KeyServerMethods.GetCapacity, (_, context) => ValueTask.FromResult(new Capacity
        {
            Algorithms = { new AlgorithmCapacity { Algorithm = "ecdsa-p256", OperationsPerSecond = 1000 } },
            ServedBy = new ServedBy { KeyserverId = context.PeerIdentity ?? string.Empty },
        }));
        endpoints.MapRpcUnary(HealthMethods.Check, (_, _) => ValueTask.FromResult(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving }));
    }

    private async ValueTask<SignResponse> SignAsync(SignRequest request, RpcCallContext context)
    {
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-echo", StringComparison.Ordinal))
            {
                if (entry.IsBinary)
                {
                    context.ResponseHeaders.Add(entry.Key, entry.ValueBytes);
                    context.ResponseTrailers.Add("trailer-" + entry.Key, entry.ValueBytes);
                }
                else
                {
                    context.ResponseHeaders.Add(entry.Key, entry.Value);
                    context.ResponseTrailers.Add("trailer-" + entry.Key, entry.Value);
                }
            }
        }

        return await ProcessAsync(request, context).ConfigureAwait(false);
    }

    private async Task SignStreamAsync(RpcStreamReader<SignRequest> requests, RpcStreamWriter<SignResponse> responses, RpcCallContext context)
    {
        var pending = new List<Task>();
        while (true)
        {
            var read = await requests.ReadAsync().ConfigureAwait(false);
            if (read.Kind == RpcReadKind.Completed)
            {
                break;
            }

            if (read.Kind == RpcReadKind.Malformed)
            {
                Interlocked.Increment(ref _malformed);
                await responses.WriteAsync(new SignResponse
                {
                    Id = 0,
                    Error = new SignError { Code = ErrorCode.BadRequest, Message = read.Error },
                }).ConfigureAwait(false);
                continue;
            }

            var request = read.Message!;
            pending.Add(Task.Run(async () =>
            {
                // Yield so that responses complete out of order.
                await Task.Yield();
                var response = await ProcessAsync(request, context).ConfigureAwait(false);
                await responses.WriteAsync(response).ConfigureAwait(false);
            }));
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async ValueTask<SignResponse> ProcessAsync(SignRequest request, RpcCallContext context)
    {
        var servedBy = new ServedBy { KeyserverId = context.PeerIdentity ?? string.Empty, Datacenter = "test" };
        switch (request.Key?.KeyId)
        {
            case "unknown":
                return new SignResponse
                {
                    Id = request.Id,
                    Error = new SignError { Code = ErrorCode.KeyNotFound, Message = "no such key" },
                    ServedBy = servedBy,
                };
            case "throw":
                throw new InvalidOperationException("secret internal detail");
            case "rpc-error":
                throw new RpcException(StatusCode.FailedPrecondition, RpcErrorDetail);
            case "wait-for-cancel":
                await WaitForCancellationAsync(context).ConfigureAwait(false);
                context.CancellationToken.ThrowIfCancellationRequested();
                break;
            case "big-response":
                return new SignResponse { Id = request.Id, Result = ByteString.CopyFrom(new byte[5 * 1024 * 1024]), ServedBy = servedBy };
            default:
                break;
        }

        var payload = request.Payload.ToByteArray();
        Array.Reverse(payload);
        return new SignResponse { Id = request.Id, Result = ByteString.CopyFrom(payload), ServedBy = servedBy };
    }

    private async Task WaitForCancellationAsync(RpcCallContext context)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = context.CancellationToken.Register(() => cancelled.TrySetResult()).ConfigureAwait(false);
        HandlerWaiting.TrySetResult();
        await cancelled.Task.ConfigureAwait(false);
        HandlerCancelled.TrySetResult(context.DeadlineExceeded);
    }
}
