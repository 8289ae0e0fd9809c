using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Methods;

namespace KeylessGeo.Rpc.Contracts;

/// <summary>Method descriptors of <c>keylessgeo.v1.KeyServer</c>.</summary>
public static class KeyServerMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "keylessgeo.v1.KeyServer";

    /// <summary>Unary <c>Sign</c>.</summary>
    public static readonly RpcMethod<SignRequest, SignResponse> Sign =
        new(RpcMethodType.Unary, ServiceName, "Sign", SignRequest.Parser, SignResponse.Parser);

    /// <summary>Bidirectional <c>SignStream</c>.</summary>
    public static readonly RpcMethod<SignRequest, SignResponse> SignStream =
        new(RpcMethodType.DuplexStreaming, ServiceName, "SignStream", SignRequest.Parser, SignResponse.Parser);

    /// <summary>Unary <c>GetCapacity</c>.</summary>
    public static readonly RpcMethod<GetCapacityRequest, Capacity> GetCapacity =
        new(RpcMethodType.Unary, ServiceName, "GetCapacity", GetCapacityRequest.Parser, Capacity.Parser);
}
