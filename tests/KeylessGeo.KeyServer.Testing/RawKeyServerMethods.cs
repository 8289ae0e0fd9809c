using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Methods;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>The keyserver's Sign and SignStream with <see cref="RawSignRequest"/> requests.</summary>
public static class RawKeyServerMethods
{
    /// <summary>Unary <c>Sign</c> sending raw request bytes.</summary>
    public static readonly RpcMethod<RawSignRequest, SignResponse> Sign =
        new(RpcMethodType.Unary, KeyServerMethods.ServiceName, "Sign", RawSignRequest.Parser, SignResponse.Parser);

    /// <summary>Bidirectional <c>SignStream</c> sending raw request bytes.</summary>
    public static readonly RpcMethod<RawSignRequest, SignResponse> SignStream =
        new(RpcMethodType.DuplexStreaming, KeyServerMethods.ServiceName, "SignStream", RawSignRequest.Parser, SignResponse.Parser);
}
