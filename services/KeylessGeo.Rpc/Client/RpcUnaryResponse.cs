using KeylessGeo.Rpc.Metadata;

namespace KeylessGeo.Rpc.Client;

/// <summary>A successful unary call's response message with the response headers and trailers.</summary>
/// <typeparam name="T">The response message type.</typeparam>
/// <param name="Message">The response message.</param>
/// <param name="Headers">The custom response headers.</param>
/// <param name="Trailers">The custom response trailers.</param>
public sealed record RpcUnaryResponse<T>(T Message, RpcMetadata Headers, RpcMetadata Trailers);
