using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KeylessGeo.StackFloor;

/// <summary>
/// The Keyless exchange exactly as bench/floor/keyless-floor.c answers it: an 8-byte header, TLV
/// items; ECDSA SHA-256 (0x15) and RSA PKCS#1 v1.5 SHA-256 (0x05) by SKI, ping; anything else the
/// protocol's error codes. Nothing is allocated: the response is written into the caller's buffer.
/// </summary>
internal static class KeylessExchange
{
    public const int Header = 8;
    public const int MaxBody = 65535;
    public const int MaxFrame = Header + MaxBody;

    /// <summary>Header, opcode item (3 + 1), payload item header: where a response's payload starts.</summary>
    public const int ReplyPayload = Header + 3 + 1 + 3;

    private const byte TagSki = 0x04;
    private const byte TagOpcode = 0x11;
    private const byte TagPayload = 0x12;
    private const byte OpRsaSignSha256 = 0x05;
    private const byte OpEcdsaSignSha256 = 0x15;
    private const byte OpResponse = 0xF0;
    private const byte OpPing = 0xF1;
    private const byte OpPong = 0xF2;
    private const byte OpError = 0xFF;
    private const byte ErrCrypto = 0x01;
    private const byte ErrKeyNotFound = 0x02;
    private const byte ErrVersion = 0x04;
    private const byte ErrBadOpcode = 0x05;
    private const byte ErrUnexpectedOpcode = 0x06;
    private const byte ErrFormat = 0x07;
    private const int SkiLength = 20;
    private const int DigestLength = 32;

    /// <summary>The body length a frame's header announces.</summary>
    public static int BodyLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16BigEndian(header[2..]);

    /// <summary>True when the header's version is not 1: the stream cannot be read further.</summary>
    public static bool IsBadVersion(ReadOnlySpan<byte> header) => header[0] != 1;

    /// <summary>The error answer to a header with a bad version (the connection closes after it).</summary>
    public static int VersionError(ReadOnlySpan<byte> header, Span<byte> output, FloorCounters counters) =>
        Error(header.Slice(4, 4), ErrVersion, output, counters);

    /// <summary>Answers one whole frame (header and body) into <paramref name="output"/> (at least <see cref="MaxFrame"/> bytes); returns the response's length.</summary>
    public static int Answer(ReadOnlySpan<byte> frame, FloorKeys keys, FloorCounters counters, Span<byte> output)
    {
        var id = frame.Slice(4, 4);
        var items = frame[Header..];
        ReadOnlySpan<byte> payload = default, ski = default;
        bool hasPayload = false, hasSki = false;
        var opcode = -1;
        while (!items.IsEmpty)
        {
            if (items.Length < 3)
            {
                return Error(id, ErrFormat, output, counters);
            }

            var tag = items[0];
            int length = BinaryPrimitives.ReadUInt16BigEndian(items[1..]);
            items = items[3..];
            if (length > items.Length)
            {
                return Error(id, ErrFormat, output, counters);
            }

            var value = items[..length];
            switch (tag)
            {
                case TagOpcode when length != 1:
                    return Error(id, ErrFormat, output, counters);
                case TagOpcode:
                    opcode = value[0];
                    break;
                case TagPayload:
                    payload = value;
                    hasPayload = true;
                    break;
                case TagSki when length != SkiLength:
                    return Error(id, ErrFormat, output, counters);
                case TagSki:
                    ski = value;
                    hasSki = true;
                    break;
            }

            items = items[length..];
        }

        if (opcode == OpPing)
        {
            payload.CopyTo(output[ReplyPayload..]);
            counters.Pong();
            return Reply(id, OpPong, payload.Length, output);
        }

        if (opcode < 0)
        {
            return Error(id, ErrFormat, output, counters);
        }

        if (opcode is OpResponse or OpPong or OpError)
        {
            return Error(id, ErrUnexpectedOpcode, output, counters);
        }

        if (opcode is not (OpEcdsaSignSha256 or OpRsaSignSha256))
        {
            return Error(id, ErrBadOpcode, output, counters);
        }

        var key = hasSki ? keys.BySki(ski) : null;
        if (key is null)
        {
            return Error(id, ErrKeyNotFound, output, counters);
        }

        if (key.IsRsa != (opcode == OpRsaSignSha256))
        {
            return Error(id, ErrBadOpcode, output, counters);
        }

        if (!hasPayload || payload.Length != DigestLength)
        {
            return Error(id, ErrFormat, output, counters);
        }

        int signed;
        try
        {
            signed = key.Sign(payload, output[ReplyPayload..]);
        }
        catch (CryptographicException)
        {
            return Error(id, ErrCrypto, output, counters);
        }

        counters.Signed();
        return Reply(id, OpResponse, signed, output);
    }

    private static int Error(ReadOnlySpan<byte> id, byte code, Span<byte> output, FloorCounters counters)
    {
        counters.Error();
        output[ReplyPayload] = code;
        return Reply(id, OpError, 1, output);
    }

    /// <summary>Header and items of a reply whose payload is already at <see cref="ReplyPayload"/>.</summary>
    private static int Reply(ReadOnlySpan<byte> id, byte opcode, int payloadLength, Span<byte> output)
    {
        var body = 3 + 1 + 3 + payloadLength;
        output[0] = 1;
        output[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(output[2..], (ushort)body);
        id.CopyTo(output[4..]);
        output[8] = TagOpcode;
        output[9] = 0;
        output[10] = 1;
        output[11] = opcode;
        output[12] = TagPayload;
        BinaryPrimitives.WriteUInt16BigEndian(output[13..], (ushort)payloadLength);
        return Header + body;
    }
}
