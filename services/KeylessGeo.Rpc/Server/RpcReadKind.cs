namespace KeylessGeo.Rpc.Server;

/// <summary>What <see cref="RpcStreamReader{T}.ReadAsync"/> produced.</summary>
public enum RpcReadKind
{
    /// <summary>The client half-closed the stream; no more messages follow.</summary>
    Completed,

    /// <summary>A message was read and parsed.</summary>
    Message,

    /// <summary>A whole message arrived but could not be parsed; the stream continues.</summary>
    Malformed,
}
