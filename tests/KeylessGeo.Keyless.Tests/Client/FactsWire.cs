using System.Buffers.Binary;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>
/// Keyless messages built and parsed by hand from KEYLESS-PROTOCOL.md with
/// <see cref="BinaryPrimitives"/>, independent of the codec under test: an 8-byte header
/// (major 1, minor 0, uint16 body length, uint32 id; big-endian), then tag/uint16 length/data items.
/// </summary>
internal static class FactsWire
{
    public const byte Ping = 0xF1;
    public const byte ResponseOpcode = 0xF0;
    public const byte PongOpcode = 0xF2;
    public const byte ErrorOpcode = 0xFF;
    public const byte TagOpcode = 0x11;
    public const byte TagPayload = 0x12;
    public const byte TagPadding = 0x20;

    /// <summary>A message with the given items in order, padded with a 0x20 item to at least <paramref name="padTo"/> bytes.</summary>
    public static byte[] Message(uint id, IReadOnlyList<(byte Tag, byte[] Data)> items, int padTo = 0, byte major = 1, byte minor = 0)
    {
        var body = 0;
        foreach (var (_, data) in items)
        {
            body += 3 + data.Length;
        }

        var padding = padTo > 8 + body ? Math.Max(0, padTo - 8 - body - 3) : -1;
        var total = 8 + body + (padding >= 0 ? 3 + padding : 0);
        var bytes = new byte[total];
        bytes[0] = major;
        bytes[1] = minor;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(total - 8));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), id);
        var position = 8;
        foreach (var (tag, data) in items)
        {
            position = Item(bytes, position, tag, data);
        }

        if (padding >= 0)
        {
            // Padding content is meaningless: make it non-zero so nobody relies on zeros.
            var filler = new byte[padding];
            Array.Fill(filler, (byte)0xA5);
            Item(bytes, position, TagPadding, filler);
        }

        return bytes;
    }

    /// <summary>A success response (opcode 0xF0, payload = <paramref name="result"/>).</summary>
    public static byte[] Response(uint id, byte[] result, int padTo = 0, bool unknownItems = false)
    {
        var items = new List<(byte, byte[])>();
        if (unknownItems)
        {
            items.Add((0x7E, [1, 2, 3]));
        }

        items.Add((TagOpcode, [ResponseOpcode]));
        if (unknownItems)
        {
            items.Add((0x7F, []));
        }

        items.Add((TagPayload, result));
        if (unknownItems)
        {
            items.Add((0x30, new byte[40]));
        }

        return Message(id, items, padTo);
    }

    /// <summary>The answer to a ping (opcode 0xF2, payload = the ping's payload).</summary>
    public static byte[] Pong(uint id, byte[] echo, int padTo = 0)
        => Message(id, [(TagOpcode, [PongOpcode]), (TagPayload, echo)], padTo);

    /// <summary>An error response (opcode 0xFF, 1-byte payload).</summary>
    public static byte[] Error(uint id, byte code, int padTo = 0)
        => Message(id, [(TagOpcode, [ErrorOpcode]), (TagPayload, [code])], padTo);

    /// <summary>Reads the body length and id from a header.</summary>
    public static (byte Major, byte Minor, int Length, uint Id) Header(ReadOnlySpan<byte> header)
        => (header[0], header[1], BinaryPrimitives.ReadUInt16BigEndian(header[2..]), BinaryPrimitives.ReadUInt32BigEndian(header[4..]));

    /// <summary>Splits a body into items; null when an item runs past the end.</summary>
    public static List<(byte Tag, byte[] Data)>? Items(ReadOnlySpan<byte> body)
    {
        var items = new List<(byte, byte[])>();
        var position = 0;
        while (position < body.Length)
        {
            if (body.Length - position < 3)
            {
                return null;
            }

            var tag = body[position];
            int length = BinaryPrimitives.ReadUInt16BigEndian(body[(position + 1)..]);
            if (body.Length - position - 3 < length)
            {
                return null;
            }

            items.Add((tag, body.Slice(position + 3, length).ToArray()));
            position += 3 + length;
        }

        return items;
    }

    private static int Item(byte[] bytes, int position, byte tag, byte[] data)
    {
        bytes[position] = tag;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(position + 1), (ushort)data.Length);
        data.CopyTo(bytes, position + 3);
        return position + 3 + data.Length;
    }
}
