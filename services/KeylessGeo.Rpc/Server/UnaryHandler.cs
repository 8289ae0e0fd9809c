namespace KeylessGeo.Rpc.Server;

/// <summary>Handles one unary call.</summary>
public delegate ValueTask<TResponse> UnaryHandler<TRequest, TResponse>(TRequest request, RpcCallContext context);
