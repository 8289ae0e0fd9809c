using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace KeylessGeo.Rpc.Framing;

/// <summary>
/// The gRPC length-prefixed message codec: a 1-byte compressed flag, a 4-byte big-endian
/// length, then the message bytes.
/// </summary>
public static class GrpcFrame
{
    /// <summary>The size of the message prefix.</summary>
    public const int HeaderSize = 5;

    /// <summary>The default maximum message size (4 MiB) in either direction.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Reads one message from the start of <paramref name="buffer"/>. On
    /// <see cref="FrameReadResult.Message"/>, <paramref name="payload"/> is the message bytes and
    /// <paramref name="consumed"/> the position after it. The length is checked against
    /// <paramref name="maxMessageSize"/> as soon as the prefix is available.
    /// </summary>
    public static FrameReadResult TryRead(
        in ReadOnlySequence<byte> buffer,
        int maxMessageSize,
        out bool compressed,
        out uint length,
        out ReadOnlySequence<byte> payload,
        out SequencePosition consumed)
    {
        compressed = false;
        length = 0;
        payload = default;
        consumed = buffer.Start;
        if (buffer.Length < HeaderSize)
        {
            return FrameReadResult.NeedMoreData;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        compressed = header[0] != 0;
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageSize)
        {
            return FrameReadResult.TooLarge;
        }

        if (buffer.Length - HeaderSize < length)
        {
            return FrameReadResult.NeedMoreData;
        }

        payload = buffer.Slice(HeaderSize, length);
        consumed = payload.End;
        return FrameReadResult.Message;
    }

    /// <summary>
    /// Writes <paramref name="message"/> with its prefix into <paramref name="writer"/> without
    /// intermediate copies. Throws <see cref="Status.RpcException"/> with RESOURCE_EXHAUSTED when
    /// the message exceeds <paramref name="maxMessageSize"/>. Returns the message size.
    /// </summary>
    public static int Write(IBufferWriter<byte> writer, IMessage message, int maxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Write(writer, message, message.CalculateSize(), maxMessageSize);
    }

    /// <summary>
    /// Like <see cref="Write(IBufferWriter{byte}, IMessage, int)"/>, with the size the caller
    /// already computed (<see cref="IMessage.CalculateSize"/>); the message must not have
    /// changed since. Returns <paramref name="messageSize"/>.
    /// </summary>
    public static int Write(IBufferWriter<byte> writer, IMessage message, int messageSize, int maxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfTooLarge(messageSize, maxMessageSize);
        var span = writer.GetSpan(HeaderSize + messageSize);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1, 4), (uint)messageSize);
        message.WriteTo(span.Slice(HeaderSize, messageSize));
        writer.Advance(HeaderSize + messageSize);
        return messageSize;
    }

    /// <summary>Throws <see cref="Status.RpcException"/> with RESOURCE_EXHAUSTED when <paramref name="messageSize"/> exceeds <paramref name="maxMessageSize"/>.</summary>
    internal static void ThrowIfTooLarge(int messageSize, int maxMessageSize)
    {
        if (messageSize > maxMessageSize)
        {
            throw new Status.RpcException(
                Status.StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({messageSize} > {maxMessageSize}).");
        }
    }

    /// <summary>Writes a raw, already-serialized payload with its prefix (used by tests and tools).</summary>
    public static void WriteRaw(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload, bool compressed = false)
    {
        var span = writer.GetSpan(HeaderSize + payload.Length);
        span[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1, 4), (uint)payload.Length);
        payload.CopyTo(span[HeaderSize..]);
        writer.Advance(HeaderSize + payload.Length);
    }
}
