using Google.Protobuf;
using Grpc.Core;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// The server's descriptors of <c>keylessgeo.v1.KeyServer</c>. They differ from the generated ones
/// only in how requests are parsed: a unary request that does not parse is <c>INVALID_ARGUMENT</c>
/// (the generated marshaller would make it <c>INTERNAL</c>), and a stream message that does not
/// parse becomes a <see cref="StreamedSignRequest"/> carrying the error, so the stream goes on.
/// </summary>
internal static class KeyServerMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "keylessgeo.v1.KeyServer";

    public static readonly Method<SignRequest, SignResponse> Sign = new(
        MethodType.Unary, ServiceName, "Sign", Marshallers.Create(Serialize, ParseOrInvalidArgument<SignRequest>), ResponseMarshaller<SignResponse>());

    public static readonly Method<StreamedSignRequest, SignResponse> SignStream = new(
        MethodType.DuplexStreaming, ServiceName, "SignStream", Marshallers.Create(SerializeStreamed, ParseStreamed), ResponseMarshaller<SignResponse>());

    public static readonly Method<GetCapacityRequest, Contracts.V1.Capacity> GetCapacity = new(
        MethodType.Unary, ServiceName, "GetCapacity", Marshallers.Create(Serialize, ParseOrInvalidArgument<GetCapacityRequest>), ResponseMarshaller<Contracts.V1.Capacity>());

    public static readonly Method<WatchKeyserversRequest, KeyserverList> WatchKeyservers = new(
        MethodType.ServerStreaming, ServiceName, "WatchKeyservers", Marshallers.Create(Serialize, ParseOrInvalidArgument<WatchKeyserversRequest>), ResponseMarshaller<KeyserverList>());

    private static Marshaller<T> ResponseMarshaller<T>()
        where T : class, IMessage<T>, new()
        => Marshallers.Create<T>(Serialize, ParseOrInvalidArgument<T>);

    private static void Serialize<T>(T message, SerializationContext context)
        where T : IMessage<T>
    {
        // The same zero-copy path the generated marshallers take: size first, then straight into
        // the response's buffer writer.
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }

    private static T ParseOrInvalidArgument<T>(DeserializationContext context)
        where T : IMessage<T>, new()
    {
        try
        {
            var message = new T();
            message.MergeFrom(context.PayloadAsReadOnlySequence());
            return message;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a valid {typeof(T).Name}: {ex.Message}"));
        }
    }

    private static StreamedSignRequest ParseStreamed(DeserializationContext context)
    {
        try
        {
            return StreamedSignRequest.Parsed(SignRequest.Parser.ParseFrom(context.PayloadAsReadOnlySequence()), context.PayloadLength);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return StreamedSignRequest.Malformed($"The message is not a valid SignRequest: {ex.Message}", context.PayloadLength);
        }
    }

    // The server never sends requests; present only because a method needs both directions.
    private static void SerializeStreamed(StreamedSignRequest message, SerializationContext context)
        => Serialize(message.Request ?? throw new InvalidOperationException("A malformed request cannot be sent."), context);
}
