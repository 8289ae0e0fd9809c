using Google.Protobuf;
using Grpc.Core;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Forwarding;
using KeylessGeo.Serving.Grpc;

namespace KeylessGeo.KeyServer.Tests.Forwarding;

/// <summary>The <c>keylessgeo.v1.KeyServer</c> service of a <see cref="FakeUpstream"/>: does what its owner's behaviour says.</summary>
internal sealed class FakeKeyServerService(FakeUpstream owner) : KeyServerServiceBase
{
    public override async Task<SignResponse> Sign(SignRequest request, ServerCallContext context)
    {
        var behaviour = owner.Behaviour;
        owner.Received(request, context.RequestHeaders.GetValue(ForwardingHeaders.ForwardedBy));
        var servedBy = new ServedBy { KeyserverId = owner.Id, Datacenter = owner.Datacenter };
        switch (behaviour)
        {
            case UpstreamBehaviour.Answer:
                return new SignResponse { Id = request.Id, Result = ByteString.CopyFromUtf8("signed by " + owner.Id), ServedBy = servedBy };
            case UpstreamBehaviour.Overloaded:
                return new SignResponse { Id = request.Id, Error = new SignError { Code = ErrorCode.Overloaded, Message = "queue full" }, ServedBy = servedBy };
            case UpstreamBehaviour.BlackHole:
                // Not a timing wait: the call stays open until the caller cancels it.
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                throw new InvalidOperationException("unreachable");
            default:
                throw new RpcException(new Status(StatusCode.Unavailable, "draining"));
        }
    }

    public override Task SignStream(IAsyncStreamReader<StreamedSignRequest> requestStream, IServerStreamWriter<SignResponse> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "not in this fake"));

    public override Task<Contracts.V1.Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "not in this fake"));

    public override Task WatchKeyservers(WatchKeyserversRequest request, IServerStreamWriter<KeyserverList> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "not in this fake"));
}
