namespace KeylessGeo.Rpc.Server;

/// <summary>Handles one bidirectional streaming call; the call ends when the returned task completes.</summary>
public delegate Task DuplexStreamingHandler<TRequest, TResponse>(
    RpcStreamReader<TRequest> requests,
    RpcStreamWriter<TResponse> responses,
    RpcCallContext context)
    where TRequest : class, Google.Protobuf.IMessage<TRequest>
    where TResponse : class, Google.Protobuf.IMessage<TResponse>;
