using KeylessGeo.Rpc.Metadata;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>State shared by the two halves of a streaming call.</summary>
internal sealed class DuplexCallState(CallScope scope, Task<HttpResponseMessage> response)
{
    public CallScope Scope { get; } = scope;

    public Task<HttpResponseMessage> Response { get; } = response;

    public RpcStatus? Status { get; private set; }

    public RpcMetadata Trailers { get; private set; } = RpcMetadata.Empty;

    /// <summary>Records the final status (the first one wins); throws for a non-OK status when <paramref name="throwOnError"/> is set.</summary>
    public void Finish(RpcStatus status, RpcMetadata trailers, bool throwOnError = true)
    {
        if (Status is null)
        {
            Status = status;
            Trailers = trailers;
        }

        if (throwOnError && Status.Value.Code != StatusCode.OK)
        {
            throw new RpcException(Status.Value, Trailers);
        }
    }
}
