using KeylessGeo.Rpc.Metadata;

namespace KeylessGeo.Rpc.Client;

/// <summary>Per-call options.</summary>
public sealed class RpcCallOptions
{
    /// <summary>The absolute deadline, sent as <c>grpc-timeout</c> and enforced locally as well.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Custom request metadata.</summary>
    public RpcMetadata? Headers { get; init; }

    /// <summary>Cancels the call (sends RST_STREAM).</summary>
    public CancellationToken CancellationToken { get; init; }
}
