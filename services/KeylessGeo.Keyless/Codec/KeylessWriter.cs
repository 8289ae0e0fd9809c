using System.Buffers;
using System.Buffers.Binary;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// Writes Keyless messages straight into an <see cref="IBufferWriter{T}"/> (one
/// <c>GetSpan</c>/<c>Advance</c> per message, no intermediate buffers).
/// </summary>
/// <remarks>
/// Item order: opcode, payload, SKI, certificate digest, SNI, client IP, server IP,
/// certificate id, custom function name, supplemental payload, span context, then padding.
/// With padding, the whole message (header included) is at least
/// <see cref="KeylessHeader.MinimumPaddedLength"/> bytes; padding bytes are zero.
/// Each method returns the number of bytes written.
/// </remarks>
public static class KeylessWriter
{
    private const int OpcodeItemSize = KeylessHeader.ItemHeaderSize + 1;

    /// <summary>Writes a response: opcode 0xF0 with <paramref name="result"/> as payload.</summary>
    /// <exception cref="ArgumentException">The result is longer than an item or a body may be.</exception>
    public static int WriteResponse(IBufferWriter<byte> writer, uint id, ReadOnlySpan<byte> result, bool pad = false)
        => WriteReply(writer, id, KeylessOpcode.Response, result, pad);

    /// <summary>Writes an error response: opcode 0xFF with the 1-byte <paramref name="error"/> as payload.</summary>
    public static int WriteError(IBufferWriter<byte> writer, uint id, KeylessError error, bool pad = false)
    {
        ReadOnlySpan<byte> code = [(byte)error];
        return WriteReply(writer, id, KeylessOpcode.Error, code, pad);
    }

    /// <summary>Writes the answer to a ping: opcode 0xF2 (pong) echoing <paramref name="payload"/>.</summary>
    public static int WritePong(IBufferWriter<byte> writer, uint id, ReadOnlySpan<byte> payload, bool pad = false)
        => WriteReply(writer, id, KeylessOpcode.Pong, payload, pad);

    /// <summary>Writes a request (client side), padded to 1024 bytes unless <paramref name="pad"/> is false.</summary>
    /// <exception cref="ArgumentException">
    /// An item is longer than 65535 bytes, the body would be, or the SKI, certificate digest or
    /// an IP has a size the protocol does not allow.
    /// </exception>
    public static int WriteRequest(IBufferWriter<byte> writer, uint id, in KeylessRequest request, bool pad = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        CheckFixedLength(request.Ski, 20, 20, "SKI", nameof(request));
        CheckFixedLength(request.CertificateDigest, 32, 32, "certificate digest", nameof(request));
        CheckFixedLength(request.ClientIp, 4, 16, "client IP", nameof(request));
        CheckFixedLength(request.ServerIp, 4, 16, "server IP", nameof(request));
        var body = OpcodeItemSize
            + ItemSize(request.Payload.Length, "payload")
            + OptionalItemSize(request.Ski.Length, "SKI")
            + OptionalItemSize(request.CertificateDigest.Length, "certificate digest")
            + OptionalItemSize(request.ServerName.Length, "server name")
            + OptionalItemSize(request.ClientIp.Length, "client IP")
            + OptionalItemSize(request.ServerIp.Length, "server IP")
            + OptionalItemSize(request.CertificateId.Length, "certificate id")
            + OptionalItemSize(request.CustomFunctionName.Length, "custom function name")
            + OptionalItemSize(request.SupplementalPayload.Length, "supplemental payload")
            + OptionalItemSize(request.SpanContext.Length, "span context");
        var padding = PaddingLength(body, pad);
        var bodyLength = CheckBodyLength(body + (padding < 0 ? 0 : KeylessHeader.ItemHeaderSize + padding));
        var total = KeylessHeader.Size + bodyLength;

        var span = writer.GetSpan(total)[..total];
        WriteHeader(span, id, bodyLength);
        var position = KeylessHeader.Size;
        position = WriteOpcode(span, position, request.Opcode);
        position = WriteItem(span, position, KeylessTag.Payload, request.Payload);
        position = WriteOptional(span, position, KeylessTag.Ski, request.Ski);
        position = WriteOptional(span, position, KeylessTag.CertificateDigest, request.CertificateDigest);
        position = WriteOptional(span, position, KeylessTag.ServerName, request.ServerName);
        position = WriteOptional(span, position, KeylessTag.ClientIp, request.ClientIp);
        position = WriteOptional(span, position, KeylessTag.ServerIp, request.ServerIp);
        position = WriteOptional(span, position, KeylessTag.CertificateId, request.CertificateId);
        position = WriteOptional(span, position, KeylessTag.CustomFunctionName, request.CustomFunctionName);
        position = WriteOptional(span, position, KeylessTag.SupplementalPayload, request.SupplementalPayload);
        position = WriteOptional(span, position, KeylessTag.SpanContext, request.SpanContext);
        WritePadding(span, position, padding);
        writer.Advance(total);
        return total;
    }

    private static int WriteReply(IBufferWriter<byte> writer, uint id, KeylessOpcode opcode, ReadOnlySpan<byte> payload, bool pad)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var body = OpcodeItemSize + ItemSize(payload.Length, "payload");
        var padding = PaddingLength(body, pad);
        var bodyLength = CheckBodyLength(body + (padding < 0 ? 0 : KeylessHeader.ItemHeaderSize + padding));
        var total = KeylessHeader.Size + bodyLength;

        var span = writer.GetSpan(total)[..total];
        WriteHeader(span, id, bodyLength);
        var position = WriteOpcode(span, KeylessHeader.Size, opcode);
        position = WriteItem(span, position, KeylessTag.Payload, payload);
        WritePadding(span, position, padding);
        writer.Advance(total);
        return total;
    }

    /// <summary>The padding item's data length, or -1 for no padding item.</summary>
    private static int PaddingLength(int body, bool pad)
    {
        var missing = KeylessHeader.MinimumPaddedLength - KeylessHeader.Size - body;
        return !pad || missing <= 0 ? -1 : Math.Max(0, missing - KeylessHeader.ItemHeaderSize);
    }

    private static int ItemSize(int length, string name)
    {
        if (length > KeylessHeader.MaxItemLength)
        {
            throw new ArgumentException(
                $"The {name} item is {length} bytes; an item holds at most {KeylessHeader.MaxItemLength} bytes.");
        }

        return KeylessHeader.ItemHeaderSize + length;
    }

    private static int OptionalItemSize(int length, string name) => length == 0 ? 0 : ItemSize(length, name);

    private static int CheckBodyLength(int body) => body <= KeylessHeader.MaxBodyLength
        ? body
        : throw new ArgumentException(
            $"The message body would be {body} bytes; a body holds at most {KeylessHeader.MaxBodyLength} bytes.");

    private static void CheckFixedLength(ReadOnlySpan<byte> value, int small, int large, string name, string parameter)
    {
        if (!value.IsEmpty && value.Length != small && value.Length != large)
        {
            var allowed = small == large ? $"{small}" : $"{small} or {large}";
            throw new ArgumentException($"The {name} is {value.Length} bytes; it must be empty or {allowed} bytes.", parameter);
        }
    }

    private static void WriteHeader(Span<byte> span, uint id, int bodyLength)
    {
        span[0] = KeylessHeader.MajorVersion;
        span[1] = KeylessHeader.MinorVersion;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], id);
    }

    private static int WriteOpcode(Span<byte> span, int position, KeylessOpcode opcode)
    {
        ReadOnlySpan<byte> value = [(byte)opcode];
        return WriteItem(span, position, KeylessTag.Opcode, value);
    }

    private static int WriteOptional(Span<byte> span, int position, KeylessTag tag, ReadOnlySpan<byte> data)
        => data.IsEmpty ? position : WriteItem(span, position, tag, data);

    private static int WriteItem(Span<byte> span, int position, KeylessTag tag, ReadOnlySpan<byte> data)
    {
        span[position] = (byte)tag;
        BinaryPrimitives.WriteUInt16BigEndian(span[(position + 1)..], (ushort)data.Length);
        data.CopyTo(span[(position + KeylessHeader.ItemHeaderSize)..]);
        return position + KeylessHeader.ItemHeaderSize + data.Length;
    }

    private static void WritePadding(Span<byte> span, int position, int padding)
    {
        if (padding >= 0)
        {
            span[position] = (byte)KeylessTag.Padding;
            BinaryPrimitives.WriteUInt16BigEndian(span[(position + 1)..], (ushort)padding);
            span.Slice(position + KeylessHeader.ItemHeaderSize, padding).Clear();
        }
    }
}
