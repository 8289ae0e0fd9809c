using Grpc.Core;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Testing;

/// <summary>The keyserver's Sign and SignStream with <see cref="RawSignRequest"/> requests, for malformed-message tests.</summary>
public static class RawKeyServerMethods
{
    private const string ServiceName = "keylessgeo.v1.KeyServer";

    private static readonly Marshaller<RawSignRequest> Requests = Marshallers.Create(
        static (RawSignRequest request) => request.Bytes,
        static bytes => new RawSignRequest(bytes));

    private static readonly Marshaller<SignResponse> Responses = Marshallers.Create(
        static (SignResponse response) => Google.Protobuf.MessageExtensions.ToByteArray(response),
        SignResponse.Parser.ParseFrom);

    /// <summary>Unary <c>Sign</c> sending raw request bytes.</summary>
    public static readonly Method<RawSignRequest, SignResponse> Sign = new(MethodType.Unary, ServiceName, "Sign", Requests, Responses);

    /// <summary>Bidirectional <c>SignStream</c> sending raw request bytes.</summary>
    public static readonly Method<RawSignRequest, SignResponse> SignStream = new(MethodType.DuplexStreaming, ServiceName, "SignStream", Requests, Responses);

    /// <summary>A method the keyserver does not have.</summary>
    public static readonly Method<RawSignRequest, SignResponse> Unknown = new(MethodType.Unary, ServiceName, "NoSuchMethod", Requests, Responses);
}
