namespace KeylessGeo.Rpc.Methods;

/// <summary>The shape of a gRPC method.</summary>
public enum RpcMethodType
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>A stream of requests, one response (not yet served by this layer).</summary>
    ClientStreaming,

    /// <summary>One request, a stream of responses (not yet served by this layer).</summary>
    ServerStreaming,

    /// <summary>Independent streams of requests and responses.</summary>
    DuplexStreaming,
}
