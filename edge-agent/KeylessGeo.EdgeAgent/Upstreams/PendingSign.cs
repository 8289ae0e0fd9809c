using KeylessGeo.Contracts.V1;

namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>A request on a <c>SignStream</c> awaiting its answer; knows whether it was written.</summary>
internal sealed class PendingSign() : TaskCompletionSource<SignResponse>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private volatile bool _sent;

    /// <summary>True once the request has been written to the stream.</summary>
    public bool Sent => _sent;

    public void MarkSent() => _sent = true;
}
