using Google.Protobuf;

namespace KeylessGeo.Rpc.Methods;

/// <summary>A typed method descriptor: its path, shape, and message parsers.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class RpcMethod<TRequest, TResponse> : RpcMethod
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Creates a descriptor.</summary>
    public RpcMethod(
        RpcMethodType type,
        string serviceName,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser)
        : base(type, serviceName, name)
    {
        RequestParser = requestParser ?? throw new ArgumentNullException(nameof(requestParser));
        ResponseParser = responseParser ?? throw new ArgumentNullException(nameof(responseParser));
    }

    /// <summary>Parses request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parses response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <summary>The protobuf full name of the request message, for error details.</summary>
    public string RequestMessageName => field ??= RequestParser.ParseFrom(ByteString.Empty).Descriptor.FullName;

    /// <summary>The protobuf full name of the response message, for error details.</summary>
    public string ResponseMessageName => field ??= ResponseParser.ParseFrom(ByteString.Empty).Descriptor.FullName;
}
