using System.Buffers.Binary;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>Hand-built Keyless messages, including malformed ones the codec's writer refuses to make.</summary>
internal static class RawFrames
{
    /// <summary>A message with the given header fields and items written as they are.</summary>
    public static byte[] Build(uint id, byte majorVersion, params (byte Tag, byte[] Data)[] items)
    {
        var body = new List<byte>();
        foreach (var (tag, data) in items)
        {
            body.Add(tag);
            body.Add((byte)(data.Length >> 8));
            body.Add((byte)data.Length);
            body.AddRange(data);
        }

        return WithBody(id, majorVersion, [.. body]);
    }

    /// <summary>A version-1 message with the given items.</summary>
    public static byte[] Build(uint id, params (byte Tag, byte[] Data)[] items) => Build(id, KeylessHeader.MajorVersion, items);

    /// <summary>A header declaring <paramref name="body"/>'s length, then the body.</summary>
    public static byte[] WithBody(uint id, byte majorVersion, byte[] body) => Header(id, majorVersion, body.Length).Concat(body).ToArray();

    /// <summary>A header alone, declaring <paramref name="bodyLength"/>.</summary>
    public static byte[] Header(uint id, byte majorVersion, int bodyLength)
    {
        var header = new byte[KeylessHeader.Size];
        header[0] = majorVersion;
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), id);
        return header;
    }

    public static (byte, byte[]) Opcode(KeylessOpcode opcode) => ((byte)KeylessTag.Opcode, [(byte)opcode]);

    public static (byte, byte[]) Item(KeylessTag tag, byte[] data) => ((byte)tag, data);

    /// <summary>An item of tag <paramref name="tag"/> that declares <paramref name="declared"/> bytes but carries <paramref name="actual"/>.</summary>
    public static byte[] OverrunningBody(KeylessOpcode opcode, byte tag, int declared, int actual)
    {
        var body = new List<byte> { (byte)KeylessTag.Opcode, 0, 1, (byte)opcode, tag, (byte)(declared >> 8), (byte)declared };
        body.AddRange(new byte[actual]);
        return [.. body];
    }
}
