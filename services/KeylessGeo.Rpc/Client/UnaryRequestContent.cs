using System.Buffers;
using System.Net;
using Google.Protobuf;
using KeylessGeo.Rpc.Framing;

namespace KeylessGeo.Rpc.Client;

/// <summary>A request body holding one length-prefixed message, serialized into a pooled buffer.</summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private readonly IMessage _message;
    private readonly int _size;

    public UnaryRequestContent(IMessage message, int maxMessageSize)
    {
        _message = message;
        _size = message.CalculateSize();
        if (_size > maxMessageSize)
        {
            throw new Status.RpcException(
                Status.StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({_size} > {maxMessageSize}).");
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var length = GrpcFrame.HeaderSize + _size;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer[0] = 0;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1, 4), (uint)_size);
            _message.WriteTo(buffer.AsSpan(GrpcFrame.HeaderSize, _size));
            await stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = GrpcFrame.HeaderSize + _size;
        return true;
    }
}
