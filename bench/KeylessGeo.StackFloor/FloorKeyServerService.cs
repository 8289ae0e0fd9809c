using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Serving.Grpc;

namespace KeylessGeo.StackFloor;

/// <summary>
/// Layer 3: <c>keylessgeo.v1.KeyServer</c> bound as the keyserver binds it (<see cref="KeyServerServiceBase"/>,
/// the same message parsing), with <c>SignStream</c> answering each request inline, in order, one
/// write per response: no admission, deadlines, budgets, tracing or metrics. Keys by <c>key_id</c>
/// (the key file's name, what the LoadGen's gRPC rows send) or SKI. Served: ECDSA SHA-256 and RSA
/// PKCS#1 v1.5 SHA-256; anything else is answered BAD_REQUEST.
/// </summary>
internal sealed class FloorKeyServerService(FloorKeys keys, FloorCounters counters) : KeyServerServiceBase
{
    private static readonly ServedBy Served = new() { KeyserverId = "stack-floor", Datacenter = "floor1" };

    public override async Task SignStream(IAsyncStreamReader<StreamedSignRequest> requestStream, IServerStreamWriter<SignResponse> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(Answer(requestStream.Current), context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<SignResponse> Sign(SignRequest request, ServerCallContext context) =>
        Task.FromResult(Answer(StreamedSignRequest.Parsed(request, request.CalculateSize())));

    public override Task<Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "The stack floor only signs."));

    public override Task WatchKeyservers(WatchKeyserversRequest request, IServerStreamWriter<KeyserverList> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "The stack floor only signs."));

    private SignResponse Answer(StreamedSignRequest streamed)
    {
        if (streamed.Request is not { } request)
        {
            return Error(0, ErrorCode.BadRequest, streamed.Error ?? "malformed request");
        }

        var key = request.Key is null ? null
            : request.Key.KeyId.Length > 0 ? keys.ById(request.Key.KeyId)
            : keys.BySki(request.Key.Ski.Span);
        if (key is null)
        {
            return Error(request.Id, ErrorCode.KeyNotFound, "no such key");
        }

        if (request.Operation != (key.IsRsa ? Operation.RsaPkcs1Sha256 : Operation.EcdsaSha256) || request.Payload.Length != 32)
        {
            return Error(request.Id, ErrorCode.BadRequest, "the stack floor signs SHA-256 digests: ECDSA_SHA256 or RSA_PKCS1_SHA256 for the key's type");
        }

        Span<byte> signature = stackalloc byte[key.MaxSignatureBytes];
        int written;
        try
        {
            written = key.Sign(request.Payload.Span, signature);
        }
        catch (CryptographicException)
        {
            return Error(request.Id, ErrorCode.CryptoFailure, "signing failed");
        }

        counters.Signed();
        return new SignResponse { Id = request.Id, Result = UnsafeByteOperations.UnsafeWrap(signature[..written].ToArray()), ServedBy = Served };
    }

    private SignResponse Error(ulong id, ErrorCode code, string message)
    {
        counters.Error();
        return new SignResponse { Id = id, Error = new SignError { Code = code, Message = message }, ServedBy = Served };
    }
}
