using KeylessGeo.Rpc.Metadata;

namespace KeylessGeo.Rpc.Status;

/// <summary>
/// A call failed with a gRPC status. Thrown by the client for non-OK statuses; thrown by a
/// server handler to end the call with exactly this status and detail.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception carrying <paramref name="code"/> and <paramref name="detail"/>.</summary>
    public RpcException(StatusCode code, string detail)
        : this(new RpcStatus(code, detail ?? string.Empty), null)
    {
    }

    /// <summary>Creates an exception carrying <paramref name="status"/> and the response trailers.</summary>
    public RpcException(RpcStatus status, RpcMetadata? trailers = null, Exception? innerException = null)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = trailers ?? RpcMetadata.Empty;
    }

    /// <summary>The status of the call.</summary>
    public RpcStatus Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.Code;

    /// <summary>The trailers the server sent (custom metadata only), empty on the server side.</summary>
    public RpcMetadata Trailers { get; }
}
