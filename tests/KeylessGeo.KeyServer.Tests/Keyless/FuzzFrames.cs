using System.Buffers;
using System.Buffers.Binary;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// Seeded random and mutated Keyless messages for fuzzing a listener. Every message keeps its
/// header honest (version 1, the true body length, at most the listener's limit) so the stream
/// stays framed and each message must get exactly one answer, except a rare fatal header
/// (another version, or a body over the limit) sent alone as a connection's last bytes.
/// </summary>
internal sealed class FuzzFrames(Random random, IReadOnlyList<byte[]> templates, int fatalOneIn)
{
    private static readonly byte[] Tags = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x11, 0x12, 0x13, 0x14, 0x15, 0x20, 0x00, 0x7F, 0xF1, 0xFF];

    /// <summary>Appends messages until about <paramref name="bytes"/> are written or a fatal header ends the batch.</summary>
    /// <returns>The messages written, and the fatal header's expected answer if the batch ended with one.</returns>
    public (int Messages, KeylessError? Fatal) Fill(ArrayBufferWriter<byte> buffer, ref uint nextId, int bytes, int maxMessages)
    {
        var messages = 0;
        while (buffer.WrittenCount < bytes && messages < maxMessages)
        {
            var id = nextId++;
            messages++;
            if (random.Next(fatalOneIn) == 0)
            {
                return (messages, WriteFatal(buffer, id));
            }

            var body = random.Next(100) switch
            {
                < 30 => RandomBytes(random.Next(81)),
                < 60 => RandomItems(),
                < 95 => Mutate(templates[random.Next(templates.Count)]),
                _ => templates[random.Next(templates.Count)],
            };
            WriteHeader(buffer, KeylessHeader.MajorVersion, id, body.Length);
            buffer.Write(body);
        }

        return (messages, null);
    }

    private KeylessError WriteFatal(ArrayBufferWriter<byte> buffer, uint id)
    {
        if (random.Next(2) == 0)
        {
            var version = (byte)random.Next(256);
            WriteHeader(buffer, version == KeylessHeader.MajorVersion ? (byte)2 : version, id, random.Next(100));
            return KeylessError.VersionMismatch;
        }

        WriteHeader(buffer, KeylessHeader.MajorVersion, id, random.Next(KeylessCodecOptions.DefaultMaxBodyLength + 1, KeylessHeader.MaxBodyLength + 1));
        return KeylessError.FormatError;
    }

    private static void WriteHeader(ArrayBufferWriter<byte> buffer, byte version, uint id, int bodyLength)
    {
        var header = buffer.GetSpan(KeylessHeader.Size);
        header[0] = version;
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)bodyLength);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], id);
        buffer.Advance(KeylessHeader.Size);
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A few items with plausible tags and lengths, the last one sometimes overrunning the body.</summary>
    private byte[] RandomItems()
    {
        var body = new List<byte>();
        var count = random.Next(7);
        for (var i = 0; i < count; i++)
        {
            var tag = Tags[random.Next(Tags.Length)];
            var length = tag == (byte)KeylessTag.Opcode && random.Next(4) > 0 ? 1 : random.Next(25);
            var declared = i == count - 1 && random.Next(8) == 0 ? length + 1 + random.Next(300) : length;
            body.Add(tag);
            body.Add((byte)(declared >> 8));
            body.Add((byte)declared);
            body.AddRange(RandomBytes(length));
        }

        return [.. body];
    }

    /// <summary>A template with one to three mutations: bit flips, byte overwrites, cuts, insertions, a bad item length.</summary>
    private byte[] Mutate(byte[] template)
    {
        var body = new List<byte>(template);
        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations && body.Count > 0; i++)
        {
            var at = random.Next(body.Count);
            switch (random.Next(5))
            {
                case 0:
                    body[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    body[at] = (byte)random.Next(256);
                    break;
                case 2:
                    body.RemoveRange(at, body.Count - at);
                    break;
                case 3:
                    body.InsertRange(at, RandomBytes(1 + random.Next(8)));
                    break;
                default:
                    body[at] = 0xFF;
                    break;
            }
        }

        return [.. body];
    }
}
